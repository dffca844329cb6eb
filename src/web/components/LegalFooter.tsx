import { Anchor, Group, Text } from '@mantine/core';
import { Link } from 'react-router';
import { LEGAL_LINKS, legalPath } from '../legal/links';

export function LegalFooter() {
  return (
    <footer>
      <Group justify="center" gap="md" wrap="wrap" aria-label="Legal">
        {LEGAL_LINKS.map((l) => (
          <Anchor key={l.slug} component={Link} to={legalPath(l.slug)} size="sm" c="dimmed">
            {l.label}
          </Anchor>
        ))}
      </Group>
      <Text ta="center" size="xs" c="dimmed" mt={6}>
        WaSphere is self-hosted: your data stays on the server it is installed on.
      </Text>
    </footer>
  );
}
