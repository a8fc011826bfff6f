package bot_test

import (
	"encoding/json"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"kutip/bot"
)

// A reply to one of kutip's answers names the answer by its buttons: the
// answer's ID is the snowflake of the interaction or message that asked.
func ExampleAnswerID() {
	// The referenced message as discordgo reads it from a MESSAGE_CREATE.
	raw := `{"id": "1311111111111111112", "components": [{"type": 1, "components": [
		{"type": 2, "style": 2, "label": "Helpful", "emoji": {"name": "👍"}, "custom_id": "k1:up:1311111111111111111"},
		{"type": 2, "style": 2, "label": "More", "custom_id": "k1:more:1311111111111111111:3"}]}]}`
	var answer discordgo.Message
	if err := json.Unmarshal([]byte(raw), &answer); err != nil {
		panic(err)
	}
	id, ok := bot.AnswerID(answer.Components)
	fmt.Println(id, ok)

	// Another bot's buttons name no kutip answer.
	_, ok = bot.AnswerID([]discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: "Vote", CustomID: "poll:1"},
	}}})
	fmt.Println(ok)
	// Output:
	// 1311111111111111111 true
	// false
}
