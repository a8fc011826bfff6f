package retrieval

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/whitespace"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Field names of a sentence document in the bleve index.
const (
	fieldTerms = "terms" // the sentence's index terms, analysed by kutip's own analyzers (see analyze.go)
	fieldTitle = "title" // the document title's terms, same analysis
	fieldDoc   = "doc"
	fieldPara  = "para"
	fieldSent  = "sent"
	fieldKind  = "kind"
	fieldLang  = "lang"
	fieldText  = "text" // the sentence as written, stored, not indexed

	// preAnalyzed splits the space-separated terms kutip's analyzers have
	// already produced, so bleve indexes exactly those terms.
	preAnalyzed = "kutip_terms"
)

// analyzerVersion changes whenever analysis changes what terms a text gets,
// so that an index on disk built by an older version is rebuilt.
const analyzerVersion = "2"

// sentenceDoc is what is indexed for one sentence.
type sentenceDoc struct {
	Terms string `json:"terms"`
	Title string `json:"title"`
	Doc   string `json:"doc"`
	Para  int    `json:"para"`
	Sent  int    `json:"sent"`
	Kind  string `json:"kind"`
	Lang  string `json:"lang"`
	Text  string `json:"text"`
}

// newMapping builds the index mapping: term fields pre-analysed and with
// term vectors (for positions), keyword fields for the citation, and the
// text stored for display.
func newMapping() (mapping.IndexMapping, error) {
	m := bleve.NewIndexMapping()
	if err := m.AddCustomAnalyzer(preAnalyzed, map[string]any{
		"type":      custom.Name,
		"tokenizer": whitespace.Name,
	}); err != nil {
		return nil, err
	}
	terms := bleve.NewTextFieldMapping()
	terms.Analyzer = preAnalyzed
	terms.Store = false
	terms.IncludeTermVectors = true
	terms.IncludeInAll = false

	kw := bleve.NewKeywordFieldMapping()
	kw.Analyzer = keyword.Name
	kw.IncludeInAll = false

	num := bleve.NewNumericFieldMapping()
	num.IncludeInAll = false

	text := bleve.NewTextFieldMapping()
	text.Index = false
	text.IncludeInAll = false
	text.IncludeTermVectors = false

	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fieldTerms, terms)
	doc.AddFieldMappingsAt(fieldTitle, terms)
	doc.AddFieldMappingsAt(fieldDoc, kw)
	doc.AddFieldMappingsAt(fieldKind, kw)
	doc.AddFieldMappingsAt(fieldLang, kw)
	doc.AddFieldMappingsAt(fieldPara, num)
	doc.AddFieldMappingsAt(fieldSent, num)
	doc.AddFieldMappingsAt(fieldText, text)
	m.DefaultMapping = doc
	m.DefaultAnalyzer = preAnalyzed
	return m, nil
}
