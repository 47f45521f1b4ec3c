//go:build !race

package knowledge

// raceSlowdown scales time bounds in tests: the race detector makes code
// several times slower.
const raceSlowdown = 1
