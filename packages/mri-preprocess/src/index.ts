/**
 * `@tumorxai/mri-preprocess` — skeleton: the public API arrives with issue #4.
 */
export {};
