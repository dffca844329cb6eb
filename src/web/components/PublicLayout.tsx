import type { ReactNode } from 'react';
import { Anchor, Box, Center, Container, Paper, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { Logo } from './Logo';
import { LegalFooter } from './LegalFooter';

interface Props {
  title: ReactNode;
  subtitle?: ReactNode;
  children: ReactNode;
  below?: ReactNode;
  width?: number;
}

/** The calm centred card used by sign-in, sign-up and invite pages. */
export function PublicLayout({ title, subtitle, children, below, width = 420 }: Props) {
  return (
    <Box mih="100vh" bg="gray.0" py={48} px="md" style={{ display: 'flex', flexDirection: 'column' }}>
      <Container size={width} w="100%" p={0} style={{ flex: 1 }}>
        <Center mb="xl">
          <Anchor component={Link} to="/" underline="never" aria-label="WaSphere home">
            <Logo size={34} />
          </Anchor>
        </Center>
        <Paper withBorder shadow="xs" p={{ base: 'lg', sm: 32 }} radius="lg">
          <Stack gap={4} mb="lg">
            <Title order={1} fz={24}>
              {title}
            </Title>
            {subtitle ? (
              <Text c="dimmed" size="sm">
                {subtitle}
              </Text>
            ) : null}
          </Stack>
          {children}
        </Paper>
        {below ? <Box mt="md">{below}</Box> : null}
      </Container>
      <Box mt={48}>
        <LegalFooter />
      </Box>
    </Box>
  );
}
