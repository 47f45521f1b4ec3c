//go:build !race

package extract_test

const raceBuild = false
