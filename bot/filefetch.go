package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
)

// fetchFile asks files.info for a shared file and downloads it with the
// bot token, within MaxFileBytes (size is what the event said, 0 when
// unknown). On failure it returns the text for the user and, for a file
// refused for what it is, the reason to log ("too large"); the file's
// name and URL are never logged.
func (b *Bot) fetchFile(ctx context.Context, log *slog.Logger, id string, size int64) (data []byte, name, failure, rejected string) {
	limit := cmp.Or(b.cfg.MaxFileBytes, DefaultMaxFileBytes)
	tooLarge := fmt.Sprintf(textFileTooLarge, limit>>20)
	if size > limit {
		return nil, "", tooLarge, "too large"
	}
	info, _, _, err := b.api.GetFileInfoContext(ctx, id, 0, 0)
	if err != nil {
		log.Warn("files.info failed", "file", id, "error", err)
		return nil, "", textFileNotFetched, ""
	}
	switch {
	case info.IsExternal:
		return nil, "", textFileExternal, ""
	case int64(info.Size) > limit:
		return nil, "", tooLarge, "too large"
	case info.URLPrivateDownload == "" && info.URLPrivate == "":
		log.Warn("file has no download URL", "file", id)
		return nil, "", textFileNotFetched, ""
	}
	url := cmp.Or(info.URLPrivateDownload, info.URLPrivate)
	buf := &cappedBuffer{max: limit}
	if err := b.api.GetFileContext(ctx, url, buf); err != nil {
		if errors.Is(err, errFileTooLarge) {
			return nil, "", tooLarge, "too large"
		}
		// The error may quote the download URL, which names the file:
		// only its kind is logged.
		log.Warn("file download failed", "file", id, "reason", downloadFailure(err))
		return nil, "", textFileNotFetched, ""
	}
	return buf.b, info.Name, "", ""
}
