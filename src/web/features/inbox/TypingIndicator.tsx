import { Box, Text } from '@mantine/core';
import { CHAT_BACKGROUND } from './format';
import { typingText, useTypers } from './typing';

/** "Alice is typing…" / "customer is typing…" above the composer; the line keeps its height so nothing jumps. */
export function TypingIndicator(props: { conversationId: string; meId: string; customerName: string }) {
  const text = typingText(useTypers(props.conversationId, props.meId), props.customerName);
  return (
    <Box px="md" h={20} bg={CHAT_BACKGROUND} aria-live="polite" data-testid="typing-indicator">
      {text ? (
        <Text size="xs" c="dimmed" fs="italic" lineClamp={1}>
          {text}
        </Text>
      ) : null}
    </Box>
  );
}
