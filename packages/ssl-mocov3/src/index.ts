/**
 * `@tumorxai/ssl-mocov3` — skeleton: the public API arrives with issue #6.
 */
export {};
