package unitfile

import (
	"errors"
	"fmt"
	"strings"
)

// Arg is one word of a command line a generator builds. Without Spec, Text
// is the exact argv element wanted (a literal: from the CLI, the state store
// or the file system), and its % and $ are escaped. With Spec, Text is a
// systemd value (from a unit-file source, or the generator's own %N): it is
// quoted into one word but its %-specifiers and $VARIABLES are left for
// systemd to expand, as Quadlet leaves them.
type Arg struct {
	Text string
	Spec bool
}

// Literal wraps words as literal Args.
func Literal(words ...string) []Arg {
	out := make([]Arg, len(words))
	for i, w := range words {
		out[i] = Arg{Text: w}
	}
	return out
}

// Value wraps words as systemd values (Spec Args).
func Value(words ...string) []Arg {
	out := make([]Arg, len(words))
	for i, w := range words {
		out[i] = Arg{Text: w, Spec: true}
	}
	return out
}

// EscapeLiteral escapes s for a place where systemd expands specifiers and
// variables: % becomes %% and $ becomes $$. A literal joined to a systemd
// value (a source directory before a relative path) goes through it.
func EscapeLiteral(s string) string {
	if !strings.ContainsAny(s, "%$") {
		return s
	}
	return strings.NewReplacer("%", "%%", "$", "$$").Replace(s)
}

// ErrNUL is returned for a value holding a NUL byte, which no argv can carry.
var ErrNUL = errors.New("value holds a NUL byte")

// ExecWord quotes a literal argv element for an Exec= line: % becomes %%
// (no specifier), $ becomes $$ (no environment expansion), and the rest is
// QuoteWord's quoting. systemd splits and unescapes an Exec= line first,
// then resolves specifiers in each word, then variables when it runs it, so
// the three layers do not interfere.
func ExecWord(w string) (string, error) {
	return valueWord(EscapeLiteral(w))
}

// valueWord quotes a systemd value for an Exec= line, leaving its % and $
// to systemd.
func valueWord(w string) (string, error) {
	if strings.IndexByte(w, 0) >= 0 {
		return "", ErrNUL
	}
	if len(w) > MaxArg {
		return "", fmt.Errorf("a value of %d bytes, more than Linux passes as one argument (%d)", len(w), MaxArg)
	}
	if err := CheckSpecifiers(w); err != nil {
		return "", err
	}
	if w == ";" {
		// systemd takes a lone ";" as a command separator, quoted or not;
		// "\;" is its escape for a literal one (systemd.service(5)).
		return `\;`, nil
	}
	return QuoteWord(w), nil
}

// ExecLine joins args into the value of an Exec= setting.
func ExecLine(args []Arg) (string, error) {
	var b strings.Builder
	n := 0 // the line as it is when no word needs quoting: one allocation
	for _, a := range args {
		n += len(a.Text) + 1
	}
	b.Grow(n)
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		quote := ExecWord
		if a.Spec {
			quote = valueWord
		}
		q, err := quote(a.Text)
		if err != nil {
			return "", fmt.Errorf("argument %d: %w", i, err)
		}
		b.WriteString(q)
	}
	return b.String(), nil
}

// SplitExec reads an Exec= value back into the argv systemd will run, for
// checking a generator's output. spec resolves a specifier letter (%%
// is always "%"); a $ that is not $$ is an error, since literal arguments
// never leave one, as are command separators (" ; ") and prefixes on the
// executable ("-", "@", "+", "!", ":").
func SplitExec(value string, spec func(c byte) (string, bool)) ([]string, error) {
	words, err := SplitExecRaw(value)
	if err != nil {
		return nil, err
	}
	for i, w := range words {
		if words[i], err = resolveWord(w, spec); err != nil {
			return nil, fmt.Errorf("word %d %q: %w", i, w, err)
		}
	}
	return words, nil
}

// SplitExecRaw reads an Exec= value into the words systemd splits it into,
// before it resolves specifiers and variables in each: a systemd value
// written as an Arg with Spec reads back as its Text.
func SplitExecRaw(value string) ([]string, error) {
	tokens := rawTokens(value)
	for i, tok := range tokens {
		switch tok {
		case ";", `";"`, "';'":
			return nil, errors.New("command separator ; in Exec line")
		case `\;`:
			tokens[i] = `";"` // the escaped literal: one argument ";"
		}
	}
	words, err := SplitWords(strings.Join(tokens, " "))
	if err != nil {
		return nil, err
	}
	if len(words) == 0 {
		return nil, errors.New("empty Exec line")
	}
	if value[0] != '"' && strings.IndexByte("-@+!:", value[0]) >= 0 {
		return nil, fmt.Errorf("executable has a prefix %q", value[0])
	}
	return words, nil
}

func resolveWord(w string, spec func(c byte) (string, bool)) (string, error) {
	var b strings.Builder
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(w) {
			b.WriteByte('%') // systemd copies a % that ends a word
			break
		}
		i++
		if w[i] == '%' {
			b.WriteByte('%')
			continue
		}
		v, ok := "", false
		if spec != nil {
			v, ok = spec(w[i])
		}
		if !ok {
			return "", fmt.Errorf("unexpected specifier %%%c", w[i])
		}
		b.WriteString(v)
	}
	return unDollar(b.String())
}

// unDollar turns $$ into $ and refuses any variable reference.
func unDollar(w string) (string, error) {
	if !strings.Contains(w, "$") {
		return w, nil
	}
	var b strings.Builder
	for i := 0; i < len(w); i++ {
		if w[i] != '$' {
			b.WriteByte(w[i])
			continue
		}
		if i+1 < len(w) && w[i+1] == '$' {
			b.WriteByte('$')
			i++
			continue
		}
		return "", errors.New("environment variable reference")
	}
	return b.String(), nil
}

// rawTokens splits an Exec= value at unquoted blanks, keeping each word as
// written (quotes and escapes included), which is what systemd compares
// with ";" to find command separators.
func rawTokens(value string) []string {
	var out []string
	var cur strings.Builder
	var quote byte
	for i := 0; i < len(value); i++ {
		c := value[i]
		switch {
		case c == '\\' && i+1 < len(value):
			cur.WriteByte(c)
			i++
			cur.WriteByte(value[i])
			continue
		case quote != 0 && c == quote:
			quote = 0
		case quote == 0 && (c == '"' || c == '\''):
			quote = c
		case quote == 0 && (c == ' ' || c == '\t'):
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
			continue
		}
		cur.WriteByte(c)
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}
