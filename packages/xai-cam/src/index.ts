/**
 * `@tumorxai/xai-cam` — skeleton: the public API arrives with issue #8.
 */
export {};
