package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// maxQuestionLine is the longest line `kutip ask` reads as a question from
// standard input, in bytes without the line ending. A longer line is
// skipped with an error naming it, and the batch goes on.
const maxQuestionLine = 1 << 20

// questionReader reads questions one per line, with no line held in memory
// beyond max bytes: the rest of a longer line is read and dropped.
type questionReader struct {
	r    *bufio.Reader
	max  int
	line int // number of the last line read, from 1
	buf  []byte
}

func newQuestionReader(r io.Reader, max int) *questionReader {
	return &questionReader{r: bufio.NewReaderSize(r, 64<<10), max: max}
}

// next returns the next line without its line ending (\n or \r\n) and its
// number. For a line longer than max it returns tooLong with the line's
// length and no text. At the end of the input it returns io.EOF; a last
// line without a line ending is still a line.
func (q *questionReader) next() (text string, tooLong int, err error) {
	q.buf = q.buf[:0]
	n := 0
	var tail [2]byte // the line's last two bytes, for its ending
	for {
		chunk, err := q.r.ReadSlice('\n')
		n += len(chunk)
		if n <= q.max+2 { // +2: room for the line ending, trimmed below
			q.buf = append(q.buf, chunk...)
		} else {
			q.buf = q.buf[:0]
		}
		for _, b := range chunk[max(0, len(chunk)-2):] {
			tail[0], tail[1] = tail[1], b
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err != nil && !errors.Is(err, io.EOF):
			return "", 0, err
		case err != nil && n == 0:
			return "", 0, io.EOF
		}
		q.line++
		ending := 0
		if tail[1] == '\n' {
			ending = 1
			if n >= 2 && tail[0] == '\r' {
				ending = 2
			}
		}
		if n-ending > q.max {
			return "", n - ending, nil
		}
		return string(q.buf[:len(q.buf)-ending]), 0, nil
	}
}

// skippedLines collects the numbers of the lines a batch skipped, for the
// error it ends with.
type skippedLines []int

// err says which lines were skipped, nil when none were.
func (s skippedLines) err(max int) error {
	if len(s) == 0 {
		return nil
	}
	var nums []string
	for i, n := range s {
		if i == 10 {
			nums = append(nums, fmt.Sprintf("and %d more", len(s)-i))
			break
		}
		nums = append(nums, fmt.Sprint(n))
	}
	word := "line"
	if len(s) > 1 {
		word = "lines"
	}
	return fmt.Errorf("%d question %s skipped, longer than %d bytes (%s): %s; the other questions were answered",
		len(s), word, max, formatLimit(max), strings.Join(nums, ", "))
}

// formatLimit writes a line limit for people: 1 MiB.
func formatLimit(n int) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	if n >= 1<<10 && n%(1<<10) == 0 {
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
