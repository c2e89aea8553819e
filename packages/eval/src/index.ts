/**
 * `@tumorxai/eval` — skeleton: the public API arrives with issue #9.
 */
export {};
