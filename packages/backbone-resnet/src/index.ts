/**
 * `@tumorxai/backbone-resnet` — skeleton: the public API arrives with issue #3.
 */
export {};
