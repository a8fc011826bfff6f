package config

import (
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
