/**
 * `@tumorxai/ssl-byol` — skeleton: the public API arrives with issue #6.
 */
export {};
