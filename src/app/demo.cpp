// `volkrin demo`: adds a few generated tunes (WAV) with covers (PNG, see demo_media.hpp) as
// tracks through the upload pipeline, so that a new instance has something to play.
#include "app/demo.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <iostream>

#include "app/backends.hpp"
#include "app/demo_media.hpp"
#include "service/auth_service.hpp"
#include "service/track_service.hpp"
#include "support/api_error.hpp"
#include "support/crypto.hpp"

namespace volkrin {
namespace {

// The first admin, or a new "demo-admin" one whose password is printed once.
Uploader demo_uploader(MetadataStore& store, const Config& config) {
  for (const auto& user : store.list_users()) {
    if (user.role == "admin") {
      std::cout << "uploading as the admin " << user.email << "\n";
      return Uploader{user.id, user.email, user.role};
    }
  }
  const PasswordHasher hasher(config.password_cost);
  AuthService auth(store, hasher, AuthSettings{config.jwt_secret, config.jwt_lifetime, {}});
  const std::string password = crypto::base64url_encode(crypto::random_bytes(12));
  const UserRecord admin =
      auth.create_user("Demo Admin", "demo-admin@example.com", password, "admin");
  std::cout << "created the admin " << admin.email << " with the password " << password
            << "\n(log in with it to upload and delete tracks; it is not shown again)\n";
  return Uploader{admin.id, admin.email, admin.role};
}

}  // namespace

int run_demo(const Config& config) {
  auto store = open_metadata_store(config);
  TrackQuery any;
  any.limit = 1;
  if (!store->list_tracks(any).empty()) {
    std::cerr << "volkrin demo: this instance already has tracks; the demo only fills an empty "
                 "one (DATA_DIR "
              << config.data_dir.string() << ")\n";
    return 1;
  }
  auto media = open_media_store(config);
  auto cache = open_cache(nullptr);  // the demo runs before the server; nothing to invalidate
  TrackService tracks(
      *store, *media, *cache,
      TrackSettings{config.public_base_url,
                    UploadLimits{config.max_audio_bytes, config.max_thumbnail_bytes}});
  try {
    const Uploader uploader = demo_uploader(*store, config);
    for (const demo::DemoSong& song : demo::demo_songs()) {
      const auto samples = demo::render_tune(song);
      // Blocking calls are fine here: no I/O thread runs yet.
      auto upload =
          std::make_unique<TrackUpload>(*media, *store, tracks.settings().limits, uploader);
      upload->set_field("title", std::string(song.title));
      upload->set_field("artist", std::string(song.artist));
      upload->begin_file(UploadFile::audio, std::string(song.file_stem) + ".wav");
      upload->write(UploadFile::audio, demo::encode_wav(samples, demo::kSampleRate));
      upload->end_file(UploadFile::audio);
      upload->begin_file(UploadFile::thumbnail, std::string(song.file_stem) + ".png");
      upload->write(UploadFile::thumbnail, demo::draw_cover(song, samples));
      upload->end_file(UploadFile::thumbnail);
      const TrackRecord track = upload->finish();
      std::cout << "added \"" << track.title << "\" by " << track.artist << " ("
                << static_cast<double>(track.duration_ms.value_or(0)) / 1000.0 << " s)\n";
    }
  } catch (const ApiError& e) {
    std::cerr << "volkrin demo: " << e.what() << "\n";
    return 1;
  }
  // The list cache may be shared with running servers: drop it as an upload does.
  boost::asio::io_context ioc;
  boost::asio::co_spawn(ioc, tracks.invalidate_list(), boost::asio::detached);
  ioc.run();
  std::cout << "done: start the server (scripts/run) and open http://localhost:8000\n";
  return 0;
}

}  // namespace volkrin
