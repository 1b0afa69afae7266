import { describe, expect, it } from 'vitest';
import { shadowCss } from './shadow-css';

describe('shadowCss', () => {
  it('moves the tokens from :root to the embed\'s root element', () => {
    expect(shadowCss(':root{--a:1px}:root[data-theme=dark]{--a:2px}')).toBe('.fl-root{--a:1px}.fl-root[data-theme=dark]{--a:2px}');
  });

  it('turns rem in declarations into the measured default font size', () => {
    expect(shadowCss('.a{padding:.25rem 1rem;margin:-0.5rem;--space-1:0.25rem;font:1rem/1.5 x}')).toBe(
      '.a{padding:calc(.25 * var(--fl-rem, 16px)) calc(1 * var(--fl-rem, 16px));margin:calc(-0.5 * var(--fl-rem, 16px));' +
        '--space-1:calc(0.25 * var(--fl-rem, 16px));font:calc(1 * var(--fl-rem, 16px))/1.5 x}',
    );
  });

  it('keeps rem in media and container conditions, and leaves names that merely end in rem alone', () => {
    const css = '@media (max-width:60rem){.x-2rem{width:2rem}}@container a (min-width:30rem){.b{grid-template-columns:11rem 1fr}}.c{--lorem:1;animation:x-2rem 1s}';
    expect(shadowCss(css)).toBe(
      '@media (max-width:60rem){.x-2rem{width:calc(2 * var(--fl-rem, 16px))}}' +
        '@container a (min-width:30rem){.b{grid-template-columns:calc(11 * var(--fl-rem, 16px)) 1fr}}.c{--lorem:1;animation:x-2rem 1s}',
    );
  });
});
