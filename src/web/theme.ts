import { createTheme, type MantineColorsTuple } from '@mantine/core';

// A calm, slightly desaturated green: recognisably "messaging", never neon.
const brand: MantineColorsTuple = [
  '#eaf7f0',
  '#d9eee2',
  '#b1dbc5',
  '#86c7a6',
  '#62b68b',
  '#4bab7a',
  '#3ca570',
  '#2c905e',
  '#1f7f52',
  '#0b6e44',
];

export const theme = createTheme({
  primaryColor: 'brand',
  primaryShade: { light: 8, dark: 6 },
  colors: { brand },
  defaultRadius: 'md',
  cursorType: 'pointer',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", "Liberation Sans", Arial, sans-serif',
  headings: { fontWeight: '650' },
  components: {
    Card: { defaultProps: { withBorder: true, radius: 'md', padding: 'lg' } },
    Paper: { defaultProps: { radius: 'md' } },
    Modal: { defaultProps: { centered: true, radius: 'md' } },
    Table: { defaultProps: { verticalSpacing: 'sm', highlightOnHover: true } },
  },
});
