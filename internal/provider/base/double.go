package base

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"
)

// Wix keeps every number of an event's payload and of an automation's
// actions as a JSON number of double precision (IEEE 754 binary64, as
// protobuf's Struct and JavaScript do): it refuses one beyond a double's
// range, and gives back the nearest double of any other. Terraform's
// numbers are far more precise, so both families check their numbers here.

// DoubleFit is how a number fares as a double.
type DoubleFit int

const (
	// DoubleExact: the double reads back as the same number (0.1 as 0.1).
	DoubleExact DoubleFit = iota
	// DoubleRounded: the double reads back as a nearby number
	// (9007199254740993 as 9007199254740992).
	DoubleRounded
	// DoubleTooLarge: beyond ±1.797…e308, which no double holds.
	DoubleTooLarge
	// DoubleTooSmall: not zero, but nearer to zero than any double
	// (4.9e-324), so the double is 0.
	DoubleTooSmall
)

// numberPrecision is the precision Terraform gives its numbers (512 bits),
// at which two decimals of up to about 150 digits never compare equal.
const numberPrecision = 512

// AsDouble is n as Wix keeps it, and how well that fits.
func AsDouble(n *big.Float) (float64, DoubleFit) {
	f, _ := n.Float64()
	switch {
	case math.IsInf(f, 0):
		return f, DoubleTooLarge
	case f == 0 && n.Sign() != 0:
		return f, DoubleTooSmall
	}
	// The double's shortest decimal, read at Terraform's precision, is the
	// number itself only when no digit was lost (0.1 is, 2^53+1 is not).
	back, _, err := big.ParseFloat(strconv.FormatFloat(f, 'g', -1, 64), 10, numberPrecision, big.ToNearestEven)
	if err != nil || back.Cmp(n) != 0 {
		return f, DoubleRounded
	}
	return f, DoubleExact
}

// DecimalAsDouble is AsDouble of a decimal, such as a JSON number's text.
func DecimalAsDouble(text string) (float64, DoubleFit, error) {
	n, _, err := big.ParseFloat(text, 10, numberPrecision, big.ToNearestEven)
	if err != nil {
		return 0, DoubleExact, err
	}
	f, fit := AsDouble(n)
	return f, fit, nil
}

// DoubleProblem says, as a sentence about what (`payload.amount`), what
// Wix makes of a number written as text that does not fit a double, or ""
// when it fits exactly. A rounded number is a warning's detail; the others
// are errors.
func DoubleProblem(what, text string, f float64, fit DoubleFit) string {
	text = shortNumber(text)
	switch fit {
	case DoubleTooLarge:
		return fmt.Sprintf("%s is %s, beyond the largest number Wix can hold (about 1.8e308): Wix keeps numbers as "+
			"doubles and refuses larger ones. Write the value as a string instead, such as %q.", what, text, text)
	case DoubleTooSmall:
		return fmt.Sprintf("%s is %s, nearer to zero than the smallest number Wix can hold (about 4.9e-324): Wix "+
			"keeps numbers as doubles and would keep 0. Write 0, or the value as a string, such as %q.", what, text, text)
	case DoubleRounded:
		return fmt.Sprintf("%s is %s, which Wix keeps as %s: Wix keeps numbers as doubles, with 15 to 17 significant "+
			"digits. To keep every digit, write the value as a string, such as %q.", what, text, doubleText(f), text)
	}
	return ""
}

// doubleText writes a double as Wix's JSON would: in full up to 1e21, in
// exponent form beyond (encoding/json follows JavaScript's rules).
func doubleText(f float64) string {
	b, err := json.Marshal(f)
	if err != nil {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	return string(b)
}

// maxNumberText is the longest number text a message shows as it is.
const maxNumberText = 40

// shortNumber shortens a long number text (jsonencode writes 1e400 with
// all 401 digits) to 17 significant digits, which is all a double has.
func shortNumber(text string) string {
	if len(text) <= maxNumberText {
		return text
	}
	n, _, err := big.ParseFloat(text, 10, numberPrecision, big.ToNearestEven)
	if err != nil {
		return text[:maxNumberText] + "…"
	}
	return n.Text('g', 17)
}
