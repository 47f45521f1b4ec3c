package bot

import "github.com/selfcheck/selfcheck/storage"

// What a user is told when the shared state could not be written or read.
// The cause is logged at error level with its kind (storage=full …), which
// is how the people who run the bot are alerted.
const (
	textStorageFull        = "💾 저장 공간이 부족해 저장하지 못했어요 — 담당자에게 알렸어요. 공간이 확보되면 다시 시도해 주세요."
	textStorageUnavailable = "🔌 데이터베이스에 연결하지 못해 처리하지 못했어요 — 담당자에게 알렸어요. 잠시 후 다시 시도해 주세요."
)

// storageText returns what to tell the user for a storage failure, or ""
// for an error of another kind.
func storageText(err error) string {
	switch storage.KindOf(err) {
	case storage.Full:
		return textStorageFull
	case storage.Unavailable, storage.Damaged:
		return textStorageUnavailable
	}
	return ""
}
