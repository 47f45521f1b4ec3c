//go:build race

package extract_test

// raceBuild scales the hostile files down under the race detector, which
// makes compressing 120 MB of XML for them take a minute: the smaller
// files cross the same limits (256 levels, a 1 MB tag) on the same paths.
const raceBuild = true
