package provider

import "testing"

func TestBulkSizeIsMaxBatchSizeWithinWixsLimit(t *testing.T) {
	for set, want := range map[int]int{0: 100, 1: 1, 30: 30, 100: 100, 101: 100} {
		if got := bulkSize(set); got != want {
			t.Errorf("bulkSize(%d) = %d, want %d", set, got, want)
		}
	}
}
