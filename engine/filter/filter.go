// Package filter turns Podman's --filter KEY=VALUE arguments into a
// predicate over a list verb's rows. It is pure: each verb names its keys
// and how each reads a row, and gets back one func(T) bool.
//
// Podman's rules (podman-ps(1) and its siblings): values of the same key
// match if any matches, except label and label!, where every one must;
// different keys must all match.
package filter

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.podman.io/common/pkg/timetype"

	"github.com/podunit/podunit/engine/errdefs"
)

// Rule compiles one filter value into a test of a row, or says why the
// value is wrong.
type Rule[T any] func(value string) (func(T) bool, error)

// Rules maps each key a verb accepts to its Rule.
type Rules[T any] map[string]Rule[T]

// exclusive keys need every value to match; the others need one.
var exclusive = map[string]bool{"label": true, "label!": true}

// Compile parses args ("KEY=VALUE" each) against rules.
func Compile[T any](args []string, rules Rules[T]) (func(T) bool, error) {
	byKey := map[string][]func(T) bool{}
	for _, arg := range args {
		k, v, ok := strings.Cut(arg, "=") // "label!=x" cuts as "label!" and "x"
		rule, known := rules[k]
		if !ok || !known {
			return nil, fmt.Errorf("invalid filter %q: want KEY=VALUE with KEY one of %s: %w",
				arg, strings.Join(slices.Sorted(maps.Keys(rules)), ", "), errdefs.ErrInvalidArgument)
		}
		test, err := rule(v)
		if err != nil {
			return nil, fmt.Errorf("invalid filter %q: %w: %w", arg, err, errdefs.ErrInvalidArgument)
		}
		byKey[k] = append(byKey[k], test)
	}
	return func(x T) bool {
		for k, tests := range byKey {
			if !matches(tests, x, exclusive[k]) {
				return false
			}
		}
		return true
	}, nil
}

func matches[T any](tests []func(T) bool, x T, all bool) bool {
	for _, t := range tests {
		if t(x) != all {
			return !all
		}
	}
	return all
}

// Regexp matches get's value against the value as a regular expression
// (name filters).
func Regexp[T any](get func(T) string) Rule[T] {
	return func(v string) (func(T) bool, error) {
		re, err := regexp.Compile(v)
		if err != nil {
			return nil, err
		}
		return func(x T) bool { return re.MatchString(get(x)) }, nil
	}
}

// Prefix matches when get's value starts with the value (IDs).
func Prefix[T any](get func(T) string) Rule[T] {
	return func(v string) (func(T) bool, error) {
		return func(x T) bool { return strings.HasPrefix(get(x), v) }, nil
	}
}

// OneOf matches when one of get's values equals the value; allowed, if
// given, lists the values that may be asked for.
func OneOf[T any](get func(T) []string, allowed ...string) Rule[T] {
	return func(v string) (func(T) bool, error) {
		if len(allowed) > 0 && !slices.Contains(allowed, v) {
			return nil, fmt.Errorf("%q is not one of %s", v, strings.Join(allowed, ", "))
		}
		return func(x T) bool { return slices.Contains(get(x), v) }, nil
	}
}

// Equal matches when get's value equals the value.
func Equal[T any](get func(T) string, allowed ...string) Rule[T] {
	return OneOf(func(x T) []string { return []string{get(x)} }, allowed...)
}

// Label matches "KEY" (present) or "KEY=VALUE" in get's labels; VALUE may
// hold * wildcards.
func Label[T any](get func(T) map[string]string) Rule[T] {
	return func(v string) (func(T) bool, error) {
		key, want, hasValue := strings.Cut(v, "=")
		if key == "" {
			return nil, fmt.Errorf("no label key")
		}
		re, err := regexp.Compile("^" + strings.ReplaceAll(regexp.QuoteMeta(want), `\*`, ".*") + "$")
		if err != nil {
			return nil, err
		}
		return func(x T) bool {
			got, ok := get(x)[key]
			return ok && (!hasValue || re.MatchString(got))
		}, nil
	}
}

// NotLabel is label!: it matches rows that Label would not.
func NotLabel[T any](get func(T) map[string]string) Rule[T] {
	return func(v string) (func(T) bool, error) {
		test, err := Label(get)(v)
		if err != nil {
			return nil, err
		}
		return func(x T) bool { return !test(x) }, nil
	}
}

// Bool matches "true" or "false" against get.
func Bool[T any](get func(T) bool) Rule[T] {
	return func(v string) (func(T) bool, error) {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, fmt.Errorf("want true or false")
		}
		return func(x T) bool { return get(x) == b }, nil
	}
}

// Int matches a decimal number against get (exit codes).
func Int[T any](get func(T) (int, bool)) Rule[T] {
	return func(v string) (func(T) bool, error) {
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, fmt.Errorf("want a number")
		}
		return func(x T) bool { got, ok := get(x); return ok && got == n }, nil
	}
}

// Relative compares get's time with the time of another row that lookup
// finds by the value (before=, since=): after says which side matches.
func Relative[T any](get func(T) time.Time, lookup func(ref string) (time.Time, error), after bool) Rule[T] {
	return func(v string) (func(T) bool, error) {
		t, err := lookup(v)
		if err != nil {
			return nil, err
		}
		return func(x T) bool { return get(x).After(t) == after && !get(x).Equal(t) }, nil
	}
}

// Until matches rows created before a time: a timestamp, Unix seconds or
// a duration back from now (until=10m).
func Until[T any](get func(T) time.Time, now time.Time) Rule[T] {
	return func(v string) (func(T) bool, error) {
		t, err := ParseTime(v, now)
		if err != nil {
			return nil, err
		}
		return func(x T) bool { return get(x).Before(t) }, nil
	}
}

// ParseTime reads what Podman's --since, --until and until= accept: RFC
// 3339 times, dates, Unix seconds (with fractions) and Go durations back
// from now.
func ParseTime(v string, now time.Time) (time.Time, error) {
	ts, err := timetype.GetTimestamp(v, now)
	if err != nil {
		return time.Time{}, err
	}
	sec, nsec, err := timetype.ParseTimestamps(ts, 0)
	if err != nil {
		return time.Time{}, err
	}
	return time.Unix(sec, nsec), nil
}
