// Package repo locates the repository root, the charts in it and their test
// scenarios (the `ci/*-values.yaml` files chart-testing also reads), and
// builds chart dependencies once per test process.
//
// Every helper that a test calls takes a testing.TB first and fails the test
// on error; the matching ...E variant returns the error instead, for callers
// such as TestMain that have no testing.TB.
package repo
