/**
 * `@tumorxai/ssl-dino` — skeleton: the public API arrives with issue #7.
 */
export {};
