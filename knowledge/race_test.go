//go:build race

package knowledge

func init() { raceEnabled = true }
