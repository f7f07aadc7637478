/** Set by scripts/build.mjs: false in the packaged (--production) build, so test-only hooks are compiled out. */
declare const __TEST_HOOKS__: boolean;
