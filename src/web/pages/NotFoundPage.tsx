import { Button, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { Logo } from '../components/Logo';

export default function NotFoundPage() {
  return (
    <Stack align="center" justify="center" mih="100vh" gap="md" px="md" bg="gray.0">
      <Logo size={34} />
      <Title order={1} fz={24} mt="lg">
        Page not found
      </Title>
      <Text c="dimmed" ta="center">
        The address may be mistyped, or the page may have moved.
      </Text>
      <Button component={Link} to="/" variant="light">
        Go to the dashboard
      </Button>
    </Stack>
  );
}
