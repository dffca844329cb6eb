import { Box, Text } from '@mantine/core';
import { typingText, useTypers } from './typing';

/** "Alice is typing…" / "customer is typing…" above the composer; the line keeps its height so nothing jumps. */
export function TypingIndicator(props: { conversationId: string; meId: string; customerName: string }) {
  const text = typingText(useTypers(props.conversationId, props.meId), props.customerName);
  return (
    <Box px="md" h={20} bg="gray.0" aria-live="polite" data-testid="typing-indicator">
      {text ? (
        <Text size="xs" c="dimmed" fs="italic" lineClamp={1}>
          {text}
        </Text>
      ) : null}
    </Box>
  );
}
