//go:build !race

package wiretime

func raceAcquire() {}
