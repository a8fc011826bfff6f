package retrieval

import (
	"strings"
	"testing"

	"kutip/corpus"
)

// TestSubjectAgreement checks the sign of the adjustment on the article's
// two ratifications: North Korea's and Russia's, each of which mentions the
// other country.
func TestSubjectAgreement(t *testing.T) {
	ix := mustBuild(t, corpus.Default())
	find := func(prefix string) int {
		for i := range ix.sents {
			if strings.HasPrefix(ix.sents[i].text, prefix) {
				return i
			}
		}
		t.Fatalf("no sentence starts %q", prefix)
		return -1
	}
	northKorea := find("Korea Utara telah meratifikasi")
	russia := find("Parlemen Rusia meratifikasi")
	tests := []struct {
		q    string
		sent int
		want float64
	}{
		{"kapan korea utara meratifikasi perjanjian itu", northKorea, subjectBonus},
		// Asked in English of an Indonesian corpus, word order counts
		// only when the entity follows an active auxiliary.
		{"when did north korea ratify the treaty?", russia, -subjectBonus},
		{"when did north korea ratify the treaty?", northKorea, subjectBonus},
		{"north korea ratified the treaty when?", russia, 0},
		{"kapan parlemen rusia meratifikasi", russia, subjectBonus},
		// A known limit: "utara" is no name alone ("di utara"), so the
		// action read is the rest of the name, which follows the agent
		// wherever it stands. Reading the action off the sentence's
		// capitals fixes this case but lost 2 FacQA dev questions.
		{"kapan korea utara meratifikasi", russia, subjectBonus},
		// The question names no doer.
		{"who ratified the treaty?", russia, 0},
		{"kapan perjanjian itu ditandatangani di pyongyang", russia, 0},
	}
	sc := rankScratchPool.Get().(*rankScratch)
	defer rankScratchPool.Put(sc)
	for _, tt := range tests {
		q := ix.parseQuestion(tt.q)
		a, v := ix.agentAction(q)
		m := sc.matcher(ix, q)
		weights := make([]float64, len(q.concepts))
		positions := make([]int, len(q.concepts))
		s := &ix.sents[tt.sent]
		m.matchInto(s, weights, positions)
		if got := subjectAgreement(s, a, v, weights, positions); got != tt.want {
			t.Errorf("subjectAgreement(%q, %.30q…) = %v, want %v", tt.q, s.text, got, tt.want)
		}
	}
}

func TestAgentAction(t *testing.T) {
	ix := mustBuild(t, corpus.Default())
	tests := []struct{ q, agent, action string }{
		{"Kapan Rusia meratifikasi perjanjian itu?", "rusia", "meratifikasi"},
		{"kapan parlemen rusia meratifikasi", "parlemen", "meratifikasi"},
		{"kapan kim meratifikasi perjanjian", "kim", "meratifikasi"},
		// Across languages: only after an active auxiliary.
		{"when did north korea ratify the treaty?", "korea", "ratify"},
		{"when was the treaty ratified by north korea?", "", ""},
		// Nobody is named as the doer.
		{"siapa yang meratifikasi perjanjian itu", "", ""},
		// Names and nothing else.
		{"kim jong un putin", "", ""},
	}
	for _, tt := range tests {
		q := ix.parseQuestion(tt.q)
		a, v := ix.agentAction(q)
		var gotA, gotV string
		if a >= 0 {
			gotA, gotV = q.concepts[a].word, q.concepts[v].word
		}
		if gotA != tt.agent || gotV != tt.action {
			t.Errorf("agentAction(%q) = %q, %q; want %q, %q", tt.q, gotA, gotV, tt.agent, tt.action)
		}
	}
}

func TestDoerAfterAuxiliary(t *testing.T) {
	tests := []struct {
		text, agent string
		want        bool
	}{
		{"when did north korea ratify the treaty?", "korea", true},
		{"When did Russia ratify?", "russia", true},
		{"did the russian parliament approve it", "parliament", true},
		{"has Kim signed the decree yet", "kim", true},
		// Passive: the entity is what was done to.
		{"when was the treaty signed by russia", "treaty", false},
		// The entity stands outside the auxiliary's noun phrase.
		{"when did the troops arrive in russia", "russia", false},
		{"north korea ratified it when", "korea", false},
		{"", "korea", false},
	}
	for _, tt := range tests {
		if got := doerAfterAuxiliary(tt.text, tt.agent); got != tt.want {
			t.Errorf("doerAfterAuxiliary(%q, %q) = %v, want %v", tt.text, tt.agent, got, tt.want)
		}
	}
}
