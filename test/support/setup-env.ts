// Unit tests assert warnings through EgressWarnings.list(); keep synth's stderr copy out of the
// test output (test/core/warnings.test.ts turns it back on to assert the printing itself).
process.env.CDK8S_EGRESS_QUIET = '1';
