// Port: where users and tracks are kept. Adapters: SQLite (embedded) and PostgreSQL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ports/library_records.hpp"

namespace volkrin {

struct UserRecord {
  std::string id;  // 24-hex ObjectId
  std::string name;
  std::string email;  // stored lower-case, trimmed
  std::string password_hash;
  std::string role;  // "user" | "admin"
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

// The uploader as a track shows it ("populated"); absent once the user is deleted.
struct Uploader {
  std::string id;
  std::string email;
  std::string role;
};

struct TrackRecord {
  std::string id;  // 24-hex ObjectId
  std::string title;
  std::string artist;
  std::string file_key;                    // audio object key
  std::string thumbnail_key;               // image object key
  std::optional<std::string> uploaded_by;  // user id; written on insert
  std::optional<Uploader> uploader;        // filled in by reads
  // Facts read from the audio; absent for records imported without them.
  std::optional<std::int64_t> duration_ms;
  std::optional<std::int64_t> bitrate_kbps;
  std::optional<std::int64_t> sample_rate;
  std::optional<std::int64_t> channels;
  std::string format;  // "mp3", "m4a", "ogg", "opus", "flac", "wav"; "" when unknown
  // What the tags say ("" / absent when they do not), and the ids derived from it.
  std::string album;
  std::string album_artist;
  std::optional<std::int64_t> track_number;
  std::optional<std::int64_t> track_total;
  std::optional<std::int64_t> disc_number;
  std::optional<std::int64_t> disc_total;
  std::optional<std::int64_t> year;
  std::string genre;
  std::optional<std::string> musicbrainz_track_id;
  std::optional<std::string> musicbrainz_album_id;
  std::optional<std::string> musicbrainz_artist_id;
  std::optional<std::string> album_id;   // absent when the album is ""
  std::optional<std::string> artist_id;  // absent when album artist and artist are ""
  // Lower-case hex SHA-256 of the audio bytes; "" when unknown (imported records).
  std::string content_hash;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

// A page of the track list, newest first. No limit: every track.
struct TrackQuery {
  std::optional<std::int64_t> limit;
  std::int64_t offset = 0;
  // A case-insensitive substring of title or artist; "" matches all. Single-line text
  // (support/text_validation.hpp), as the API admits it: a NUL would end the query early.
  std::string text;
};

// What import_batch() did: records added, and records skipped because their id was
// already stored.
struct ImportCounts {
  std::size_t users_added = 0;
  std::size_t users_skipped = 0;
  std::size_t tracks_added = 0;
  std::size_t tracks_skipped = 0;
};

// Every call blocks: run them on the worker pool, never on an I/O thread.
// Adapters are thread-safe. Failures of the backend itself throw std::runtime_error
// (the HTTP layer answers 500 and logs it); expected outcomes are return values.
class MetadataStore {
 public:
  virtual ~MetadataStore() = default;

  // Cheap round trip for readiness checks. Throws when the store cannot be used.
  virtual void ping() = 0;

  virtual std::optional<UserRecord> find_user_by_id(std::string_view id) = 0;
  virtual std::optional<UserRecord> find_user_by_email(std::string_view email) = 0;
  // false when the email is already taken (compared exactly; callers lower-case it).
  virtual bool insert_user(const UserRecord& user) = 0;
  // All users, oldest first.
  virtual std::vector<UserRecord> list_users() = 0;
  // false when no such user. Tracks the user uploaded stay, with no uploader.
  virtual bool delete_user(std::string_view id) = 0;
  virtual void update_password_hash(std::string_view id, std::string_view hash,
                                    std::int64_t updated_at_ms) = 0;

  // A duplicate id throws. Albums and artists follow in the same transaction.
  virtual void insert_track(const TrackRecord& track) = 0;
  // As insert_track, unless a track with the same content_hash is stored (or being stored
  // by another caller at the same moment): then nothing is written and false returned.
  virtual bool insert_track_if_new(const TrackRecord& track) = 0;
  // Whether a track with this content_hash is stored.
  virtual bool has_content_hash(std::string_view content_hash) = 0;
  virtual std::optional<TrackRecord> find_track(std::string_view id) = 0;
  // Newest first (created_at, then id), uploader populated.
  virtual std::vector<TrackRecord> list_tracks(const TrackQuery& query) = 0;
  // Removes the row and returns it, or nullopt when there was none (so that of two
  // concurrent deletes exactly one wins).
  virtual std::optional<TrackRecord> delete_track(std::string_view id) = 0;

  // Albums and artists, derived from the tracks and kept in step with every insert and
  // delete (an album or artist without tracks is gone).
  virtual std::vector<AlbumRecord> list_albums(const AlbumQuery& query) = 0;
  virtual std::optional<AlbumRecord> find_album(std::string_view id) = 0;
  virtual std::vector<ArtistRecord> list_artists(const ArtistQuery& query) = 0;
  virtual std::optional<ArtistRecord> find_artist(std::string_view id) = 0;
  // An album's tracks by disc, then track number (absent ones last), then upload order.
  virtual std::vector<TrackRecord> album_tracks(std::string_view album_id) = 0;
  // An artist's tracks by album name, disc, track number, then upload order.
  virtual std::vector<TrackRecord> artist_tracks(std::string_view artist_id) = 0;
  // A number that grows with every committed change of the tracks (insert, delete, and
  // updates of their library columns), by whichever process made it: a server polls it to
  // see what another process (`volkrin import`) added behind its cache.
  virtual std::int64_t library_version() = 0;

  // Adds records kept elsewhere (an import), with their ids and times as given, in one
  // transaction: users first, then tracks. A record whose id is already stored is skipped
  // and left as it is, so that running the same import twice adds nothing. Anything else
  // that fails (an email taken by another id, a track's uploaded_by naming no user, a
  // backend error) throws, and then nothing of the batch is stored.
  virtual ImportCounts import_batch(const std::vector<UserRecord>& users,
                                    const std::vector<TrackRecord>& tracks) = 0;
};

}  // namespace volkrin
