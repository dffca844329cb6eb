import { useEffect, useState } from 'react';
import { Box, Center, Loader } from '@mantine/core';
import QRCode from 'qrcode';

/**
 * The QR code for a WhatsApp link payload, drawn in the browser (nothing is fetched
 * from elsewhere). A new payload (WhatsApp rotates it every few seconds) redraws it.
 */
export function QrImage({ payload, size = 264 }: { payload: string | null; size?: number }) {
  const [url, setUrl] = useState<{ payload: string; src: string } | null>(null);

  useEffect(() => {
    if (!payload) return;
    let cancelled = false;
    QRCode.toDataURL(payload, { errorCorrectionLevel: 'L', margin: 2, width: size * 2, color: { dark: '#0b1f17', light: '#ffffff' } })
      .then((src) => {
        if (!cancelled) setUrl({ payload, src });
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [payload, size]);

  const current = payload && url?.payload === payload ? url : null;
  return (
    <Box
      w={size}
      h={size}
      style={{
        borderRadius: 'var(--mantine-radius-md)',
        border: '1px solid var(--mantine-color-gray-3)',
        overflow: 'hidden',
        background: '#fff',
      }}
    >
      {current ? (
        <img
          src={current.src}
          width={size}
          height={size}
          alt="QR code to scan with WhatsApp"
          data-testid="link-qr"
          data-qr-payload={current.payload}
          style={{ display: 'block' }}
        />
      ) : (
        <Center h="100%">
          <Loader color="brand" aria-label="Waiting for the QR code" />
        </Center>
      )}
    </Box>
  );
}
