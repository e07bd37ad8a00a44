package main

import (
	"testing"
	"time"
)

func TestTableCellsJoinIntoOneMarkdownRow(t *testing.T) {
	rs := []result{
		{wall: 3 * time.Second, totalCPU: 2 * time.Second, providerCPU: time.Second},
		{wall: time.Second, totalCPU: 4 * time.Second, providerCPU: time.Second},
		{wall: 2 * time.Second, totalCPU: 3 * time.Second, providerCPU: time.Second},
	}
	if got, want := wallCells("wix", rs)+cpuCells(rs), "| wix | 3 | 2.00s | 1.00s–3.00s | 2.00s | 1.00s |"; got != want {
		t.Errorf("row = %q, want %q", got, want)
	}
	noProvider := []result{{wall: time.Second, totalCPU: time.Second}}
	if got, want := cpuCells(noProvider), " 1.00s | – |"; got != want {
		t.Errorf("cells without a provider = %q, want %q", got, want)
	}
}
