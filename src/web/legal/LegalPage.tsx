import { Fragment, useEffect } from 'react';
import { Anchor, Box, Container, Divider, Group, List, Paper, Stack, Text, Title } from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';
import { Link, Navigate, useParams } from 'react-router';
import { Logo } from '../components/Logo';
import { LegalFooter } from '../components/LegalFooter';
import { LEGAL_DOCUMENTS } from './documents';
import { LEGAL_LINKS, legalPath, type LegalSlug } from './links';
import type { LegalBlock } from './types';

function isSlug(s: string | undefined): s is LegalSlug {
  return LEGAL_LINKS.some((l) => l.slug === s);
}

function Block({ block }: { block: LegalBlock }) {
  if (typeof block === 'string') return <Text lh={1.65}>{block}</Text>;
  if ('note' in block) {
    return (
      <Text size="sm" c="dimmed" lh={1.6}>
        {block.note}
      </Text>
    );
  }
  return (
    <List spacing={8} lh={1.6} pr="sm">
      {block.list.map((item, i) => (
        <List.Item key={i}>
          {item.term ? (
            <Text span fw={600}>
              {item.term}
              {' — '}
            </Text>
          ) : null}
          {item.text}
          {item.link ? (
            <>
              {' '}
              <Anchor component={Link} to={item.link.to}>
                {item.link.label}
              </Anchor>
            </>
          ) : null}
        </List.Item>
      ))}
    </List>
  );
}

export default function LegalPage() {
  const { slug } = useParams();
  const doc = isSlug(slug) ? LEGAL_DOCUMENTS[slug] : undefined;

  useEffect(() => {
    if (doc) document.title = `${doc.title} · WaSphere`;
    window.scrollTo(0, 0);
  }, [doc]);

  if (!isSlug(slug) || !doc) return <Navigate to={legalPath('privacy')} replace />;

  return (
    <Box mih="100vh" bg="gray.0" pb={48}>
      <Box bg="white" style={{ borderBottom: '1px solid var(--mantine-color-gray-2)' }}>
        <Container size={760} py="md">
          <Group justify="space-between" wrap="wrap" gap="sm">
            <Anchor component={Link} to="/signin" underline="never" aria-label="WaSphere">
              <Logo />
            </Anchor>
            <Group gap="md" component="nav" aria-label="Legal pages" wrap="wrap">
              {LEGAL_LINKS.map((l) => (
                <Anchor
                  key={l.slug}
                  component={Link}
                  to={legalPath(l.slug)}
                  size="sm"
                  fw={l.slug === slug ? 600 : 400}
                  c={l.slug === slug ? 'brand.8' : 'dimmed'}
                  aria-current={l.slug === slug ? 'page' : undefined}
                >
                  {l.label}
                </Anchor>
              ))}
            </Group>
          </Group>
        </Container>
      </Box>

      <Container size={760} pt="xl">
        <Anchor component={Link} to="/signin" size="sm">
          <Group gap={4} component="span">
            <IconArrowLeft size={16} />
            Back to sign in
          </Group>
        </Anchor>

        <Paper withBorder p={{ base: 'lg', sm: 40 }} mt="md" radius="lg" component="article">
          <Stack gap={6} mb="xl">
            <Title order={1} fz={30}>
              {doc.title}
            </Title>
            <Text c="dimmed">{doc.summary}</Text>
            <Text size="sm" c="dimmed">
              Version {doc.version} · Last updated {doc.updated}
            </Text>
          </Stack>
          <Stack gap="xl">
            {doc.sections.map((s, i) => (
              <Fragment key={s.id}>
                {i > 0 ? <Divider color="gray.2" /> : null}
                <Stack gap="sm" component="section" aria-labelledby={`sec-${s.id}`}>
                  <Title order={2} fz={19} id={`sec-${s.id}`}>
                    {s.heading}
                  </Title>
                  {s.blocks.map((b, j) => (
                    <Block key={j} block={b} />
                  ))}
                </Stack>
              </Fragment>
            ))}
          </Stack>
          <Text size="sm" c="dimmed" mt={40}>
            Questions? Contact your WaSphere administrator.
          </Text>
        </Paper>

        <Group justify="center" mt="lg" mb="xl">
          <Anchor component={Link} to="/signin" size="sm">
            Back to sign in
          </Anchor>
        </Group>
        <LegalFooter />
      </Container>
    </Box>
  );
}
