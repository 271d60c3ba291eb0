// Reads a mongoexport dump of the original's users and tracks collections into records.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ports/metadata_store.hpp"

namespace volkrin {

// One exported collection: a name for messages ("users.json") and the file's text, either
// one Extended JSON document per line (mongoexport's default) or one JSON array
// (mongoexport --jsonArray, with or without --pretty).
struct DumpFile {
  std::string name;
  std::string text;
};

struct DumpUser {
  UserRecord record;
  std::string where;  // "users.json line 3" (or "element 3" in an array), for messages
};

struct DumpTrack {
  TrackRecord record;
  std::string where;
};

struct MongoDump {
  std::vector<DumpUser> users;
  std::vector<DumpTrack> tracks;
  // Each "<where>: <what>". Any problem makes the whole dump unusable.
  std::vector<std::string> problems;
  // Records that are imported all the same, with what the operator should know.
  std::vector<std::string> warnings;
};

// Validates every document and converts it; never throws for bad input (see problems).
// Users: _id {$oid}, name, email (trimmed, lower-cased), password (a bcrypt hash
// $2a$/$2b$/$2y$, kept as is), role ("user" when absent), createdAt/updatedAt.
// Tracks: _id, title, artist, fileKey (or, when absent, the key in audioUrl), thumbnailKey
// or the key in thumbnailUrl (see object_key_from_url), uploadedBy {$oid} or null,
// createdAt/updatedAt. Dates are {$date: ISO-8601 string}, {$date: {$numberLong: ms}} or
// {$date: ms}; when createdAt is absent it is the ObjectId's own time, and updatedAt
// defaults to createdAt. Unknown fields (__v, ...) are ignored. Duplicate ids, and two
// users with the same email after lower-casing, are problems.
MongoDump read_mongo_dump(const std::optional<DumpFile>& users,
                          const std::optional<DumpFile>& tracks);

// The object key in a URL the original stored (a public S3 URL): the URL's path without
// its leading '/', percent-decoded; when that path does not start with "<prefix>/" but
// does after its first segment, the first segment is the bucket of a path-style URL and
// is dropped. So https://BUCKET.s3.REGION.amazonaws.com/thumbnails/a.jpg,
// https://s3.REGION.amazonaws.com/BUCKET/thumbnails/a.jpg and
// http://minio:9000/BUCKET/thumbnails/a.jpg all give "thumbnails/a.jpg". A value without
// "://" is taken as a path. nullopt when no key is left.
std::optional<std::string> object_key_from_url(std::string_view url, std::string_view prefix);

}  // namespace volkrin
