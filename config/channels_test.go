package config

import (
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

const (
	chanA = "1234567890123456789"
	chanB = "2345678901234567890"
)

var parseChannelsTests = []struct {
	name, in string
	want     Channels
	errs     []string // each must appear in the error; nil = no error
}{
	{
		name: "entries, comments, blank lines, default",
		in:   "# kutip channels\n\n" + chanA + " news\n" + chanB + "\thandbook/hr   # a category\n*  public # the rest\n",
		want: Channels{chanA: "news", chanB: "handbook/hr", AnyChannel: "public"},
	},
	{
		name: "whole corpus and cleaned folders",
		in:   chanA + " .\n" + chanB + " ./news//2024/\n* ./\n",
		want: Channels{chanA: WholeCorpus, chanB: "news/2024", AnyChannel: WholeCorpus},
	},
	{
		name: "folder with spaces and a # inside a name",
		in:   "\ufeff" + chanA + "   Annual Reports\n" + chanB + " c#notes\n",
		want: Channels{chanA: "Annual Reports", chanB: "c#notes"},
	},
	{
		name: "CRLF line ends",
		in:   chanA + " news\r\n* .\r\n",
		want: Channels{chanA: "news", AnyChannel: WholeCorpus},
	},
	{
		name: "bad IDs",
		in:   "123 news\n<#" + chanA + "> news\n99999999999999999999 news\nnews " + chanA + "\n",
		errs: []string{
			"chans.txt:1: \"123\" is not a channel or category ID", "Copy Channel ID",
			"chans.txt:2: \"<#" + chanA + ">\" is a channel mention: write the bare ID, " + chanA,
			"chans.txt:3: \"99999999999999999999\" is too large",
			"chans.txt:4: \"news\" is not a channel or category ID",
		},
	},
	{
		name: "duplicates",
		in:   chanA + " news\n* a\n" + chanA + " sports\n* b\n",
		errs: []string{
			"chans.txt:3: ID " + chanA + " is already on line 1",
			"chans.txt:4: the * entry is already on line 2",
		},
	},
	{
		name: "folders out of bounds",
		in: chanA + " ../secrets\n" + chanB + " /etc\n3456789012345678901 a/../../b\n" +
			"4567890123456789012 news\\2024\n5678901234567890123 .private/x\n6789012345678901234\n",
		errs: []string{
			"chans.txt:1: folder \"../secrets\" leads out of CORPUS_DIR",
			"chans.txt:2: folder \"/etc\" is absolute",
			"chans.txt:3: folder \"a/../../b\" leads out of CORPUS_DIR",
			"chans.txt:4: folder \"news\\\\2024\": separate folders with /",
			"chans.txt:5: folder \".private/x\" is hidden",
			"chans.txt:6: no folder after the ID",
		},
	},
	{
		name: "no entries",
		in:   "# only a comment\n\n",
		errs: []string{"chans.txt: no entries", "leave CHANNELS_FILE empty"},
	},
}

func TestParseChannels(t *testing.T) {
	for _, tc := range parseChannelsTests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseChannels("chans.txt", []byte(tc.in))
			if tc.errs == nil {
				if err != nil {
					t.Fatalf("ParseChannels: %v", err)
				}
				if !maps.Equal(got, tc.want) {
					t.Errorf("ParseChannels = %v, want %v", got, tc.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("ParseChannels = %v, want an error", got)
			}
			for _, want := range tc.errs {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("ParseChannels error:\n%v\nwant it to contain %q", err, want)
				}
			}
		})
	}
}

func TestLoadChannels(t *testing.T) {
	root := t.TempDir()
	corpus := filepath.Join(root, "corpus")
	for _, d := range []string{"news/2024", "sports"} {
		if err := os.MkdirAll(filepath.Join(corpus, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(root, "outside"), 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, text string) string {
		t.Helper()
		p := filepath.Join(root, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("corpus/readme.txt", "not a folder")
	if err := os.Symlink(filepath.Join(root, "outside"), filepath.Join(corpus, "escape")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(corpus, "sports"), filepath.Join(corpus, "games")); err != nil {
		t.Fatal(err)
	}

	good := write("good.txt", chanA+" news/2024\n"+chanB+" games\n* .\n")
	got, err := LoadChannels(good, corpus)
	if err != nil {
		t.Fatalf("LoadChannels: %v", err)
	}
	if want := (Channels{chanA: "news/2024", chanB: "games", AnyChannel: WholeCorpus}); !maps.Equal(got, want) {
		t.Errorf("LoadChannels = %v, want %v", got, want)
	}

	tests := []struct {
		name, file, corpusDir string
		errs                  []string
	}{
		{
			name: "missing, file, link out", corpusDir: corpus,
			file: write("bad.txt", chanA+" nwes\n"+chanB+" readme.txt\n* escape\n"),
			errs: []string{
				"bad.txt:1: folder \"nwes\" is not in CORPUS_DIR=" + corpus,
				"bad.txt:2: \"readme.txt\" in CORPUS_DIR=" + corpus + " is a file",
				"bad.txt:3: folder \"escape\" is a link that leads out of CORPUS_DIR",
			},
		},
		{
			name: "no CORPUS_DIR", corpusDir: "",
			file: write("builtin.txt", chanA+" news\n* .\n"),
			errs: []string{"builtin.txt:1: folder \"news\", but CORPUS_DIR is not set"},
		},
		{
			name: "CORPUS_DIR is a file", corpusDir: filepath.Join(corpus, "readme.txt"),
			file: good,
			errs: []string{"is a file: point CORPUS_DIR at the folder"},
		},
		{
			name: "no such file", corpusDir: corpus,
			file: filepath.Join(root, "nope.txt"),
			errs: []string{"CHANNELS_FILE: open " + filepath.Join(root, "nope.txt"), "leave it empty"},
		},
		{
			name: "syntax errors first", corpusDir: corpus,
			file: write("syntax.txt", "12 news\n"),
			errs: []string{"syntax.txt:1: \"12\" is not a channel or category ID"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := LoadChannels(tc.file, tc.corpusDir)
			if err == nil {
				t.Fatalf("LoadChannels = %v, want an error", got)
			}
			for _, want := range tc.errs {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("LoadChannels error:\n%v\nwant it to contain %q", err, want)
				}
			}
		})
	}

	// The built-in article takes "." entries only.
	if _, err := LoadChannels(write("dot.txt", "* .\n"), ""); err != nil {
		t.Errorf("LoadChannels(* . without CORPUS_DIR): %v", err)
	}
}

// FuzzParseChannels checks properties of any input: no panic; a parsed
// file has only * and decimal IDs as keys and clean, relative, unhidden
// folders; every error names the file and starts each problem with it.
func FuzzParseChannels(f *testing.F) {
	for _, tc := range parseChannelsTests {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := ParseChannels("f.txt", []byte(in))
		if err != nil {
			if got != nil {
				t.Errorf("ParseChannels(%q) = %v with error %v, want nil", in, got, err)
			}
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "f.txt:") {
					t.Errorf("ParseChannels(%q): error line %q does not start with the file's name", in, line)
				}
			}
			return
		}
		if len(got) == 0 {
			t.Errorf("ParseChannels(%q) = no entries and no error", in)
		}
		for key, folder := range got {
			if key != AnyChannel && (strings.Trim(key, "0123456789") != "" || len(key) < minIDDigits) {
				t.Errorf("ParseChannels(%q): key %q", in, key)
			}
			if folder == "" || path.Clean(folder) != folder || path.IsAbs(folder) || strings.HasPrefix(folder, "..") ||
				folder != WholeCorpus && strings.HasPrefix(folder, ".") || strings.Contains(folder, "/.") ||
				strings.ContainsAny(folder, "\\\n\r") || !utf8.ValidString(folder) && utf8.ValidString(in) {
				t.Errorf("ParseChannels(%q): folder %q for %s", in, folder, key)
			}
		}
	})
}

func ExampleParseChannels() {
	file := `# channel or category ID   folder below CORPUS_DIR
1234567890123456789        news
2345678901234567890        handbook/hr   # a category: its channels and threads
*                          public        # every other channel
`
	ch, err := ParseChannels("channels.txt", []byte(file))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ch["1234567890123456789"], ch["2345678901234567890"], ch[AnyChannel])

	_, err = ParseChannels("channels.txt", []byte("1234567890123456789 ../secrets\n"))
	fmt.Println(err)
	// Output:
	// news handbook/hr public
	// channels.txt:1: folder "../secrets" leads out of CORPUS_DIR: kutip reads only what is inside it; name a folder below CORPUS_DIR
}
