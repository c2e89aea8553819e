/**
 * `@tumorxai/ssl-simclr` — skeleton: the public API arrives with issue #5.
 */
export {};
