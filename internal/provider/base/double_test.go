package base

import (
	"math/big"
	"strings"
	"testing"
)

// Numbers fare as doubles as Wix keeps them: decimals whose double reads
// back as themselves are exact (0.1 included), others are rounded, and
// what no double holds is too large or too small.
func TestDecimalAsDouble(t *testing.T) {
	for text, want := range map[string]DoubleFit{
		"0": DoubleExact, "42": DoubleExact, "-3.5": DoubleExact, "0.1": DoubleExact, "1e300": DoubleExact,
		"9007199254740992": DoubleExact, "1.7976931348623157e308": DoubleExact, "5e-324": DoubleExact,
		"9007199254740993": DoubleRounded, "12345678901234567890": DoubleRounded, "0.30000000000000001": DoubleRounded,
		"1e400": DoubleTooLarge, "-1e400": DoubleTooLarge, "1.8e308": DoubleTooLarge,
		"1e-400": DoubleTooSmall, "-2e-330": DoubleTooSmall,
	} {
		_, got, err := DecimalAsDouble(text)
		if err != nil || got != want {
			t.Errorf("DecimalAsDouble(%s) = %v, %v; want %v", text, got, err, want)
		}
	}
	if _, _, err := DecimalAsDouble("twelve"); err == nil {
		t.Error("DecimalAsDouble(twelve) parsed")
	}
}

// Terraform's numbers (512-bit big.Floats) fare the same as their text.
func TestAsDoubleOfTerraformNumbers(t *testing.T) {
	n, _, _ := big.ParseFloat("0.1", 10, 512, big.ToNearestEven)
	if _, fit := AsDouble(n); fit != DoubleExact {
		t.Errorf("0.1 at 512 bits: %v, want exact", fit)
	}
	n = new(big.Float).SetInt64(1<<53 + 1)
	if f, fit := AsDouble(n); fit != DoubleRounded || f != 1<<53 {
		t.Errorf("2^53+1: %v %v, want rounded to 2^53", f, fit)
	}
}

// Each problem names the value, what Wix does with it, and the way out.
func TestDoubleProblem(t *testing.T) {
	for text, want := range map[string][]string{
		"1e400":                        {"payload.x is 1e400", "beyond the largest number Wix can hold", `"1e400"`},
		"1e-400":                       {"payload.x is 1e-400", "would keep 0"},
		"9007199254740993":             {"payload.x is 9007199254740993, which Wix keeps as 9007199254740992", "15 to 17 significant digits"},
		"42":                           nil,
		"1" + strings.Repeat("0", 400): {"payload.x is 1e+400, beyond"},
	} {
		f, fit, _ := DecimalAsDouble(text)
		got := DoubleProblem("payload.x", text, f, fit)
		if (got == "") != (want == nil) {
			t.Errorf("%s: %q, want a problem: %v", text, got, want != nil)
		}
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q does not say %q", text, got, w)
			}
		}
	}
}
