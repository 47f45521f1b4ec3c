package bot

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// The fake Slack's side of files.uploadV2, as Slack speaks it:
// files.getUploadURLExternal (a form with filename and length) answers an
// upload URL and a file ID; the file is then POSTed there as multipart
// form data (field "file") with the bot token; files.completeUploadExternal
// (a form with files=[{"id","title"}], channel_id and thread_ts) shares
// it, and fails for a file never uploaded or of another length than
// announced.

// uploadedFile is a file the fake received.
type uploadedFile struct {
	Name   string
	Length int
	Data   []byte
	Done   bool // completed (shared)
}

// serveUpload answers the upload methods and the upload URL; false for
// any other request.
func (f *fakeSlack) serveUpload(w http.ResponseWriter, r *http.Request, method string, form url.Values, body []byte) bool {
	reply := func(v map[string]any) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	}
	switch {
	case strings.HasPrefix(r.URL.Path, "/upload/"):
		id := strings.TrimPrefix(r.URL.Path, "/upload/")
		if r.Header.Get("Authorization") != "Bearer "+testBotToken {
			w.WriteHeader(http.StatusForbidden)
			return true
		}
		// body was read whole by serve: parse the multipart form from it.
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		file, _, err := r.FormFile("file")
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return true
		}
		data, _ := io.ReadAll(file)
		f.mu.Lock()
		u := f.uploads[id]
		if u != nil {
			u.Data = data
		}
		f.mu.Unlock()
		if u == nil {
			w.WriteHeader(http.StatusNotFound)
			return true
		}
		f.record(apiCall{Method: "upload", TS: id})
		_, _ = fmt.Fprintf(w, "OK - %d", len(data))
		return true
	case method == "files.getUploadURLExternal":
		c := apiCall{Method: method, Title: form.Get("filename")}
		n, err := strconv.Atoi(form.Get("length"))
		switch {
		case form.Get("token") != testBotToken:
			c.Err = "invalid_auth"
		case c.Title == "" || err != nil || n <= 0:
			c.Err = "invalid_arguments"
		}
		f.mu.Lock()
		f.seq++
		id := fmt.Sprintf("F%06d", f.seq)
		if c.Err == "" {
			if f.uploads == nil {
				f.uploads = map[string]*uploadedFile{}
			}
			f.uploads[id] = &uploadedFile{Name: c.Title, Length: n}
		}
		f.mu.Unlock()
		f.record(c)
		if c.Err != "" {
			reply(map[string]any{"ok": false, "error": c.Err})
			return true
		}
		reply(map[string]any{"ok": true, "upload_url": "http://" + r.Host + "/upload/" + id, "file_id": id})
		return true
	case method == "files.completeUploadExternal":
		c := apiCall{Method: method, Channel: form.Get("channel_id"), ThreadTS: form.Get("thread_ts")}
		var files []struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		}
		f.mu.Lock()
		switch {
		case form.Get("token") != testBotToken:
			c.Err = "invalid_auth"
		case json.Unmarshal([]byte(form.Get("files")), &files) != nil || len(files) != 1:
			c.Err = "invalid_arguments"
		default:
			u := f.uploads[files[0].ID]
			switch {
			case u == nil || u.Data == nil:
				c.Err = "file_not_found"
			case len(u.Data) != u.Length:
				c.Err = "file_upload_size_mismatch"
			default:
				u.Done = true
				c.TS, c.Text = files[0].ID, files[0].Title
			}
		}
		f.mu.Unlock()
		f.record(c)
		if c.Err != "" {
			reply(map[string]any{"ok": false, "error": c.Err})
			return true
		}
		reply(map[string]any{"ok": true, "files": []map[string]any{{"id": files[0].ID, "title": files[0].Title}}})
		return true
	}
	return false
}

// uploaded returns the file the fake received under id.
func (f *fakeSlack) uploaded(id string) (uploadedFile, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u := f.uploads[id]
	if u == nil {
		return uploadedFile{}, false
	}
	return *u, true
}
