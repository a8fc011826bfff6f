package config

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// env is a lookup over a map, for FromEnv.
func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

func TestReloadAndHeartbeat(t *testing.T) {
	tests := []struct {
		name          string
		vars          map[string]string
		wantInterval  time.Duration
		wantHeartbeat string
		wantErr       string
	}{
		{name: "defaults", vars: nil, wantInterval: DefaultReloadInterval},
		{name: "interval", vars: map[string]string{"RELOAD_INTERVAL": "30s"}, wantInterval: 30 * time.Second},
		{name: "off", vars: map[string]string{"RELOAD_INTERVAL": "off"}, wantInterval: 0},
		{name: "zero", vars: map[string]string{"RELOAD_INTERVAL": "0"}, wantInterval: 0},
		{name: "too short", vars: map[string]string{"RELOAD_INTERVAL": "10ms"}, wantErr: "RELOAD_INTERVAL"},
		{name: "not a duration", vars: map[string]string{"RELOAD_INTERVAL": "often"}, wantErr: "RELOAD_INTERVAL"},
		{name: "heartbeat", vars: map[string]string{"HEARTBEAT_FILE": " /tmp/kutip-heartbeat.json "}, wantInterval: DefaultReloadInterval, wantHeartbeat: "/tmp/kutip-heartbeat.json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := FromEnv(env(tc.vars))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("FromEnv(%v) error = %v, want one naming %s", tc.vars, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("FromEnv(%v): %v", tc.vars, err)
			}
			if c.ReloadInterval != tc.wantInterval || c.HeartbeatFile != tc.wantHeartbeat {
				t.Errorf("FromEnv(%v) = ReloadInterval %v, HeartbeatFile %q; want %v, %q", tc.vars, c.ReloadInterval, c.HeartbeatFile, tc.wantInterval, tc.wantHeartbeat)
			}
		})
	}
}

// dotEnvCases are .env files that godotenv cannot parse, with the line and
// variable the error must name.
var dotEnvCases = []struct {
	name, text string
	line       int
	key        string // "" = none named
	problem    string
}{
	{"unterminated double quote", "# kutip\nLOG_LEVEL=info\nDISCORD_TOKEN=\"MTA5s3cr3t.v4lue\nINDEX_DIR=\n", 3, "DISCORD_TOKEN", "no closing quote"},
	{"unterminated single quote", "DISCORD_TOKEN='MTA5s3cr3t.v4lue\n", 1, "DISCORD_TOKEN", "no closing quote"},
	{"a token alone on a line", "LOG_LEVEL=info\nMTA5s3cr3t-v4lue\n", 2, "", "not a KEY=VALUE line"},
	{"a dash in the name", "DISCORD-TOKEN=MTA5s3cr3t.v4lue\n", 1, "", "variable name"},
	{"after a quoted value over two lines", "A=\"one\ntwo\"\nB=ok\nDISCORD_TOKEN=\"MTA5s3cr3t.v4lue\n", 4, "DISCORD_TOKEN", "no closing quote"},
	{"CRLF line ends", "LOG_LEVEL=info\r\nDISCORD_TOKEN=\"MTA5s3cr3t.v4lue\r\n", 2, "DISCORD_TOKEN", "no closing quote"},
}

func TestReadDotEnvErrors(t *testing.T) {
	for _, tc := range dotEnvCases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), ".env")
			if err := os.WriteFile(path, []byte(tc.text), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := ReadDotEnv(path)
			if err == nil {
				t.Fatalf("ReadDotEnv(%q) = nil error, want one", tc.text)
			}
			msg := err.Error()
			where := fmt.Sprintf("%s line %d", path, tc.line)
			if tc.key != "" {
				where += " (" + tc.key + ")"
			}
			if !strings.HasPrefix(msg, where+" ") || !strings.Contains(msg, tc.problem) {
				t.Errorf("ReadDotEnv(%q) error = %q, want it to start with %q and say %q", tc.text, msg, where, tc.problem)
			}
			if strings.Contains(msg, "s3cr3t") || strings.Contains(msg, "MTA5") {
				t.Errorf("ReadDotEnv error shows the file's text: %q", msg)
			}
		})
	}
}

func TestSourceLookup(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ".env")
	if err := os.WriteFile(path, []byte("CORPUS_DIR=/from/file\nINDEX_DIR=/index/from/file\nLOG_LEVEL=debug\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		src  Source
		key  string
		want string
		ok   bool
	}{
		{"file only", Source{DotEnv: path}, "CORPUS_DIR", "/from/file", true},
		{"environment wins", Source{DotEnv: path, Env: env(map[string]string{"CORPUS_DIR": "/from/env"})}, "CORPUS_DIR", "/from/env", true},
		{"an empty variable wins too", Source{DotEnv: path, Env: env(map[string]string{"INDEX_DIR": ""})}, "INDEX_DIR", "", true},
		{"neither", Source{DotEnv: path}, "HEALTH_ADDR", "", false},
		{"missing file", Source{DotEnv: filepath.Join(dir, "none"), Env: env(map[string]string{"LOG_LEVEL": "warn"})}, "LOG_LEVEL", "warn", true},
		{"no file, no environment", Source{}, "LOG_LEVEL", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lookup, err := tc.src.Lookup()
			if err != nil {
				t.Fatal(err)
			}
			if got, ok := lookup(tc.key); got != tc.want || ok != tc.ok {
				t.Errorf("lookup(%s) = %q, %v; want %q, %v", tc.key, got, ok, tc.want, tc.ok)
			}
		})
	}
	if _, ok := os.LookupEnv("CORPUS_DIR"); ok && os.Getenv("CORPUS_DIR") == "/from/file" {
		t.Error("Lookup wrote the .env file into the process environment")
	}
}

// TestPartialSettings checks that the settings a command does not use
// cannot stop it: PathsFromEnv and HealthFromEnv read only their own.
func TestPartialSettings(t *testing.T) {
	bad := env(map[string]string{
		"CORPUS_DIR": "/no/such/folder", "INDEX_DIR": "/index", "LOG_LEVEL": "loud", "RATE_LIMIT_COUNT": "many",
		"HEARTBEAT_FILE": "/tmp/beat.json",
	})
	if p, err := PathsFromEnv(bad); err != nil || p != (Paths{CorpusDir: "/no/such/folder", IndexDir: "/index", MaxCorpusBytes: DefaultMaxCorpusBytes}) {
		t.Errorf("PathsFromEnv = %+v, %v", p, err)
	}
	if h, err := HealthFromEnv(bad); err != nil || h.HeartbeatFile != "/tmp/beat.json" {
		t.Errorf("HealthFromEnv = %+v, %v; want the heartbeat file and no error", h, err)
	}
	if _, err := HealthFromEnv(env(map[string]string{"HEALTH_ADDR": "nonsense"})); err == nil || !strings.Contains(err.Error(), "HEALTH_ADDR") {
		t.Errorf("HealthFromEnv(HEALTH_ADDR=nonsense) error = %v, want one naming HEALTH_ADDR", err)
	}
	_, err := FromEnv(bad)
	for _, want := range []string{"CORPUS_DIR", "LOG_LEVEL", "RATE_LIMIT_COUNT"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("FromEnv error = %v, want it to name %s", err, want)
		}
	}
}

// dotEnvMessage is the only shape a .env error may take: the path, the
// line, perhaps a variable name, and fixed words; never other text of the
// file.
var dotEnvMessage = regexp.MustCompile(`^\S+ line [1-9][0-9]*( \([\pL\pN_.]+\))? (is not a KEY=VALUE line|has a variable name with characters other than letters, digits, _ and \.|has a quoted value with no closing quote|cannot be parsed); fix that line or remove the file \(the line is not shown: it may hold a secret\)$`)

func FuzzReadDotEnv(f *testing.F) {
	for _, tc := range dotEnvCases {
		f.Add(tc.text)
	}
	f.Add("A=1\nB='2'\nC=\"3\"\n# comment\nexport D=4\n")
	path := filepath.Join(f.TempDir(), ".env")
	f.Fuzz(func(t *testing.T, text string) {
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		m, err := ReadDotEnv(path)
		if err == nil {
			if m == nil && strings.TrimSpace(text) != "" {
				// A parsed file gives a map (perhaps empty); only a missing one gives nil.
				t.Errorf("ReadDotEnv(%q) = nil map, nil error", text)
			}
			return
		}
		msg := strings.TrimPrefix(err.Error(), path)
		if !dotEnvMessage.MatchString(path + msg) {
			t.Errorf("ReadDotEnv(%q) error %q is not of the allowed shape", text, err)
		}
		var line int
		fmt.Sscanf(msg, " line %d", &line)
		if n := strings.Count(strings.ReplaceAll(text, "\r\n", "\n"), "\n") + 1; line < 1 || line > n {
			t.Errorf("ReadDotEnv(%q) blames line %d of %d", text, line, n)
		}
	})
}

func TestMaxCorpusBytes(t *testing.T) {
	tests := []struct {
		value   string // "" = unset
		want    int64
		wantErr bool
	}{
		{value: "", want: DefaultMaxCorpusBytes},
		{value: "off", want: 0},
		{value: "OFF", want: 0},
		{value: "0", want: 0},
		{value: "33554432", want: 32 << 20},
		{value: "64MiB", want: 64 << 20},
		{value: "64 mib", want: 64 << 20},
		{value: "64M", want: 64 << 20},
		{value: "64MB", want: 64_000_000},
		{value: "1.5GiB", want: 3 << 29},
		{value: "1TiB", want: 1 << 40},
		{value: "1MiB", want: 1 << 20},
		{value: "1000KiB", wantErr: true}, // under 1 MiB
		{value: "2TiB", wantErr: true},
		{value: "-5MiB", wantErr: true},
		{value: "lots", wantErr: true},
		{value: "64 furlongs", wantErr: true},
		{value: "1.2.3MB", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.value, func(t *testing.T) {
			vars := map[string]string{}
			if tc.value != "" {
				vars["MAX_CORPUS_BYTES"] = tc.value
			}
			p, err := PathsFromEnv(env(vars))
			_, fullErr := FromEnv(env(vars))
			if tc.wantErr {
				for _, e := range []error{err, fullErr} {
					if e == nil || !strings.Contains(e.Error(), "MAX_CORPUS_BYTES") || !strings.Contains(e.Error(), "off") {
						t.Errorf("MAX_CORPUS_BYTES=%q: error %v, want one naming the setting and how to turn it off", tc.value, e)
					}
				}
				return
			}
			if err != nil || fullErr != nil {
				t.Fatalf("MAX_CORPUS_BYTES=%q: %v / %v", tc.value, err, fullErr)
			}
			if p.MaxCorpusBytes != tc.want {
				t.Errorf("MAX_CORPUS_BYTES=%q = %d, want %d", tc.value, p.MaxCorpusBytes, tc.want)
			}
		})
	}
}

// FuzzParseBytes checks that ParseBytes never panics and that what it
// accepts is a whole number of bytes that round-trips through its decimal
// form.
func FuzzParseBytes(f *testing.F) {
	for _, s := range []string{"0", "33554432", "64MiB", "1.5 GiB", "64MB", "k", ".", "1e9", "9999999999999TB", " 7 b "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseBytes(s)
		if err != nil {
			return
		}
		if n < 0 {
			t.Fatalf("ParseBytes(%q) = %d, negative", s, n)
		}
		back, err := ParseBytes(fmt.Sprint(n))
		if err != nil || back != n {
			t.Fatalf("ParseBytes(%q) = %d, but ParseBytes(%d) = %d, %v", s, n, n, back, err)
		}
	})
}
