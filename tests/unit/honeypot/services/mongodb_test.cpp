// The mongodb emulator: its codec (OP_MSG sections and checksum, OP_QUERY, SCRAM against
// RFC 5802/7677 vectors and MongoDB's SHA-1 digest), its commands over the bait (find,
// listDatabases, writes classified) and dialogues over an in-memory session — the legacy
// handshake, an auth-required persona refusing listDatabases with code 13, a SCRAM-SHA-256
// login refused with code 18 and captured, a SCRAM-SHA-1 login let in by the list, a
// ransom bot's drop and insert, messages split at every byte, lying lengths.
#include <gtest/gtest.h>

#include "core/base64.hpp"
#include "honeypot/services/mongodb/mongodb_commands.hpp"
#include "honeypot/services/mongodb/mongodb_protocol.hpp"
#include "support/dialogue.hpp"

namespace decnet::honeypot {
namespace {

using namespace std::string_literals;
using decnet::testing::Dialogue;
using decnet::testing::DialogueOptions;
using decnet::testing::event_types;
using decnet::testing::field;
using decnet::testing::first_event;
namespace mg = mongodb;
using wire::bson::Document;
using wire::bson::Value;

std::string le32(std::uint32_t v) {
    std::string out;
    for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
    return out;
}

// An OP_MSG request: the body, optional kind-1 sequences, optional checksum.
std::string op_msg(std::int32_t id, const Document& body,
                   const std::vector<std::pair<std::string, std::vector<Document>>>& sequences = {},
                   std::uint32_t flags = 0) {
    std::string sections = "\0"s + wire::bson::encode(body);
    for (const auto& [name, docs] : sequences) {
        std::string payload = name + '\0';
        for (const auto& d : docs) payload += wire::bson::encode(d);
        sections += "\x01"s + le32(static_cast<std::uint32_t>(payload.size() + 4)) + payload;
    }
    const bool checksum = flags & mg::kChecksumPresent;
    const auto length = 16 + 4 + sections.size() + (checksum ? 4 : 0);
    std::string out = le32(static_cast<std::uint32_t>(length)) +
                      le32(static_cast<std::uint32_t>(id)) + le32(0) + le32(mg::kOpMsg) +
                      le32(flags) + sections;
    if (checksum) out += le32(mg::crc32c(out));
    return out;
}

std::string op_query(std::int32_t id, std::string ns, const Document& query) {
    const std::string body =
        le32(0) + ns + '\0' + le32(0) + le32(0xffffffff) + wire::bson::encode(query);
    return le32(static_cast<std::uint32_t>(16 + body.size())) +
           le32(static_cast<std::uint32_t>(id)) + le32(0) + le32(mg::kOpQuery) + body;
}

Document cmd(std::string name, Value value, std::string db = "admin") {
    Document d;
    d.add(std::move(name), std::move(value)).add("$db", Value::str(std::move(db)));
    return d;
}

struct Reply {
    mg::Header header;
    std::uint32_t flags = 0;
    Document doc;
};

Reply read_reply(Dialogue& d) {
    Reply r;
    const auto head = d.read_exact(16);
    r.header = mg::parse_header(head);
    if (r.header.length < 16) return r;
    const auto body = d.read_exact(static_cast<std::size_t>(r.header.length) - 16);
    std::string_view doc;
    if (r.header.op_code == mg::kOpMsg) {
        r.flags = static_cast<std::uint32_t>(mg::parse_header(body + std::string(16, '\0')).length);
        doc = std::string_view(body).substr(5);
    } else {
        doc = std::string_view(body).substr(20);
    }
    auto decoded = wire::bson::decode(doc.substr(0, wire::bson::peek_length(doc)));
    EXPECT_TRUE(decoded.document) << decoded.error;
    if (decoded.document) r.doc = std::move(*decoded.document);
    return r;
}

std::string text(const Document& d, std::string_view name) {
    const auto* v = d.find(name);
    return v && v->is_string() ? v->bytes : "<absent>";
}

double number(const Document& d, std::string_view name) {
    const auto* v = d.find(name);
    return v && v->as_number() ? *v->as_number() : -1;
}

TEST(MongodbCodec, ParsesOpMsgSectionsAndChecksum) {
    Document insert = cmd("insert", Value::str("notes"), "shop");
    Document note;
    note.add("msg", Value::str("All your data is backed up. Pay 0.01 BTC"));
    const auto bytes = op_msg(5, insert, {{"documents", {note, note}}}, mg::kChecksumPresent);
    const auto parsed = mg::parse_op_msg(bytes);
    ASSERT_TRUE(parsed.command) << parsed.error;
    EXPECT_EQ(parsed.command->name(), "insert");
    EXPECT_EQ(parsed.command->database, "shop");
    EXPECT_EQ(parsed.command->body.find("documents")->items().size(), 2u);
    // A flipped byte breaks the checksum.
    auto corrupt = bytes;
    corrupt[30] ^= 1;
    EXPECT_EQ(mg::parse_op_msg(corrupt).code_name, "ChecksumMismatch");
    // No $db, no body, two bodies, an unknown section kind.
    Document bare;
    bare.add("ping", Value::i32(1));
    EXPECT_EQ(mg::parse_op_msg(op_msg(1, bare)).code, 40571);
    EXPECT_EQ(mg::parse_op_msg(le32(21) + le32(1) + le32(0) + le32(2013) + le32(0) + "\x02").code,
              40432);
    auto twice = op_msg(1, bare);
    twice += "\0"s + wire::bson::encode(bare);
    twice.replace(0, 4, le32(static_cast<std::uint32_t>(twice.size())));
    EXPECT_EQ(mg::parse_op_msg(twice).code, 40430);
    // Truncated anywhere: an error, never a read past the end.
    for (std::size_t n = 0; n < bytes.size(); ++n) (void)mg::parse_op_msg(bytes.substr(0, n));
    EXPECT_EQ(mg::crc32c("123456789"), 0xe3069283u);  // the CRC-32C check value
}

TEST(MongodbCodec, ParsesLegacyQueries) {
    Document q;
    Document inner;
    inner.add("isMaster", Value::i32(1));
    q.add("$query", Value::doc(inner)).add("$readPreference", Value::doc({}));
    const auto parsed = mg::parse_op_query(op_query(9, "admin.$cmd", q));
    ASSERT_TRUE(parsed.command);
    EXPECT_EQ(parsed.command->name(), "isMaster");
    EXPECT_EQ(parsed.command->database, "admin");
    EXPECT_FALSE(parsed.command->legacy_find);
    EXPECT_TRUE(mg::parse_op_query(op_query(9, "shop.users", inner)).command->legacy_find);
    EXPECT_EQ(mg::parse_op_query(le32(20) + le32(1) + le32(0) + le32(2004) + le32(0)).code, 9);
}

TEST(MongodbCodec, ScramMatchesTheRfcAndMongosDigest) {
    // RFC 5802 §5 (SHA-1 over the plain password; MongoDB hashes it first).
    const auto first = mg::parse_scram_first("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
    ASSERT_TRUE(first);
    EXPECT_EQ(first->user, "user");
    const std::string server_first =
        "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096";
    const auto final_message = mg::parse_scram_final(
        "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=");
    ASSERT_TRUE(final_message);
    const auto auth = first->bare + "," + server_first + "," + final_message->without_proof;
    const auto salt = *base64_decode("QSXCR+Q6sek8bf92");
    EXPECT_EQ(mg::scram_client_proof(mg::Scram::sha1, "pencil", salt, 4096, auth),
              final_message->proof);
    EXPECT_EQ(
        base64_encode(mg::scram_server_signature(mg::Scram::sha1, "pencil", salt, 4096, auth)),
        "rmF9pqV8S7suAoZWja4dJRkFsKQ=");
    // MongoDB's SHA-1 secret: hex(md5("user:mongo:pencil")).
    EXPECT_EQ(mg::scram_secret(mg::Scram::sha1, "user", "pencil"),
              "1c33006ec1ffd90f9cadcbcc0e118200");
    EXPECT_EQ(mg::scram_secret(mg::Scram::sha256, "user", "pencil"), "pencil");
    const auto n = mg::parse_scram_first("n,,n=a=2Cb=3Dc,r=x");
    ASSERT_TRUE(n);
    EXPECT_EQ(n->user, "a,b=c");
    EXPECT_FALSE(mg::parse_scram_first("p=tls-unique,,n=u,r=x"));
    EXPECT_FALSE(mg::parse_scram_final("c=biws,r=x"));
    EXPECT_EQ(mg::scram_hash(mg::Scram::sha1, "s", 10000, "a", "p"),
              "$mongodb-scram-sha-1$10000$cw==$YQ==$cA==");
}

mg::Server bait_server(bool auth = false) {
    mg::Server server;
    server.version = "6.0.19";
    server.wire_version = 17;
    server.hostname = "db01";
    server.auth = auth;
    server.process_id = std::string(12, '\x01');
    DbFacts facts;
    facts.app = "crm";
    facts.people = {"jsmith"};
    server.databases = make_db_bait(facts);
    return server;
}

mg::Command command(Document body) {
    mg::Command c;
    c.database = text(body, "$db");
    c.body = std::move(body);
    return c;
}

TEST(MongodbCommands, AnswersReconOverTheBait) {
    const auto server = bait_server();
    mg::Connection c{7, "203.0.113.7:40000", false, {}, {}};
    auto o = mg::run_command(server, c, command(cmd("listDatabases", Value::i32(1))), 0);
    std::vector<std::string> names;
    for (const auto* db : o.reply.find("databases")->items())
        names.push_back(text(db->document, "name"));
    EXPECT_EQ(names, (std::vector<std::string>{"admin", "config", "crm_prod", "local", "shop"}));
    auto find = cmd("find", Value::str("users"), "shop");
    Document filter;
    filter.add("username", Value::str("jsmith"));
    find.add("filter", Value::doc(filter));
    o = mg::run_command(server, c, command(find), 0);
    const auto& cursor = o.reply.find("cursor")->document;
    EXPECT_EQ(text(cursor, "ns"), "shop.users");
    const auto batch = cursor.find("firstBatch")->items();
    ASSERT_EQ(batch.size(), 1u);
    EXPECT_EQ(batch[0]->document.elements[0].name, "_id");
    EXPECT_EQ(text(batch[0]->document, "role"), "admin");
    EXPECT_TRUE(text(batch[0]->document, "password_hash").starts_with("$2y$10$"));
    o = mg::run_command(server, c, command(cmd("count", Value::str("users"), "shop")), 0);
    EXPECT_EQ(number(o.reply, "n"), 11);
    o = mg::run_command(server, c, command(cmd("buildInfo", Value::i32(1))), 0);
    EXPECT_EQ(text(o.reply, "version"), "6.0.19");
    EXPECT_EQ(o.reply.find("versionArray")->items().size(), 4u);
    o = mg::run_command(server, c, command(cmd("eval", Value::str("db"))), 0);
    EXPECT_EQ(text(o.reply, "errmsg"), "no such command: 'eval'");
    EXPECT_EQ(number(o.reply, "code"), 59);
}

TEST(MongodbCommands, ClassifiesWritesAndRefusesWithoutALogin) {
    auto server = bait_server();
    mg::Connection c{7, "203.0.113.7:40000", false, {}, {}};
    auto o = mg::run_command(server, c, command(cmd("dropDatabase", Value::i32(1), "shop")), 0);
    EXPECT_EQ(o.capture, "destructive");
    EXPECT_EQ(number(o.reply, "ok"), 1);
    auto insert = cmd("insert", Value::str("README"), "READ_ME_TO_RECOVER_YOUR_DATA");
    Document note;
    note.add("content", Value::str("All your data is backed up. Send 0.0059 BTC to bc1q..."));
    insert.add("documents", Value::array({Value::doc(note)}));
    o = mg::run_command(server, c, command(insert), 0);
    EXPECT_EQ(o.capture, "ransom_note");
    EXPECT_EQ(number(o.reply, "n"), 1);
    EXPECT_NE(o.documents.find("Send 0.0059 BTC"), std::string::npos) << o.documents;
    o = mg::run_command(server, c, command(cmd("drop", Value::str("nope"), "shop")), 0);
    EXPECT_EQ(text(o.reply, "codeName"), "NamespaceNotFound");

    server.auth = true;
    o = mg::run_command(server, c, command(cmd("listDatabases", Value::i32(1))), 0);
    EXPECT_EQ(text(o.reply, "errmsg"), "command listDatabases requires authentication");
    EXPECT_EQ(number(o.reply, "code"), 13);
    EXPECT_EQ(text(o.reply, "codeName"), "Unauthorized");
    o = mg::run_command(server, c, command(cmd("buildinfo", Value::i32(1))), 0);
    EXPECT_EQ(number(o.reply, "ok"), 1);
    c.authenticated = true;
    o = mg::run_command(server, c, command(cmd("listDatabases", Value::i32(1))), 0);
    EXPECT_EQ(number(o.reply, "ok"), 1);
}

TEST(MongodbCommands, WireVersionsFollowTheRelease) {
    EXPECT_EQ(mg::wire_version_of("4.4.29"), 9);
    EXPECT_EQ(mg::wire_version_of("5.0.30"), 13);
    EXPECT_EQ(mg::wire_version_of("6.0.19"), 17);
    EXPECT_EQ(mg::wire_version_of("7.0.15"), 21);
    EXPECT_EQ(mg::wire_version_of("8.0.4"), 25);
}

TEST(MongodbDialogue, LegacyHandshakeThenOpMsgListsTheBait) {
    Dialogue d("mongodb", DialogueOptions{.distro = "ubuntu22"});
    Document hello;
    Document client;
    Document driver;
    driver.add("name", Value::str("PyMongo")).add("version", Value::str("3.11.0"));
    client.add("driver", Value::doc(driver));
    hello.add("ismaster", Value::i32(1)).add("client", Value::doc(client));
    // Split at every byte.
    for (const char ch : op_query(77, "admin.$cmd", hello)) ASSERT_TRUE(d.send(std::string(1, ch)));
    auto r = read_reply(d);
    EXPECT_EQ(r.header.op_code, mg::kOpReply);
    EXPECT_EQ(r.header.response_to, 77);
    EXPECT_EQ(r.doc.elements[0].name, "topologyVersion");
    EXPECT_TRUE(r.doc.find("ismaster")->truthy());
    EXPECT_EQ(number(r.doc, "maxWireVersion"), 17);
    EXPECT_EQ(r.doc.elements.back().name, "ok");
    // 6.0 refuses any other OP_QUERY command.
    ASSERT_TRUE(d.send(op_query(78, "admin.$cmd", cmd("buildinfo", Value::i32(1)))));
    r = read_reply(d);
    EXPECT_EQ(number(r.doc, "code"), 352);
    ASSERT_TRUE(d.send(op_msg(79, cmd("listDatabases", Value::i32(1)))));
    r = read_reply(d);
    EXPECT_EQ(r.header.op_code, mg::kOpMsg);
    EXPECT_EQ(r.header.response_to, 79);
    EXPECT_EQ(number(r.doc, "ok"), 1);
    EXPECT_GE(r.doc.find("databases")->items().size(), 5u);
    ASSERT_TRUE(d.send(op_msg(80, cmd("buildInfo", Value::i32(1)))));
    EXPECT_EQ(text(read_reply(d).doc, "version"), "6.0.19");
    const auto events = d.finish();
    EXPECT_EQ(field(first_event(events, "handshake"), "driver"), "PyMongo 3.11.0");
    EXPECT_EQ(field(first_event(events, "handshake"), "legacy"), "True");
    EXPECT_EQ(field(first_event(events, "command"), "command"), "buildinfo");
    EXPECT_EQ(field(first_event(events, "command"), "result"), "UnsupportedOpQueryCommand");
}

// A client's SCRAM conversation: saslStart, then saslContinue with the proof for `password`.
Reply scram_login(Dialogue& d, const std::string& mechanism, const std::string& user,
                  const std::string& password, std::string* hash_out = nullptr) {
    const auto scram = *mg::scram_mechanism(mechanism);
    const std::string first_bare = "n=" + user + ",r=clientnonceclientnonce0123";
    auto start = cmd("saslStart", Value::i32(1));
    start.add("mechanism", Value::str(mechanism)).add("payload", Value::binary("n,," + first_bare));
    Document options;
    options.add("skipEmptyExchange", Value::boolean(true));
    start.add("options", Value::doc(options));
    EXPECT_TRUE(d.send(op_msg(1, start)));
    auto r = read_reply(d);
    const auto server_first = r.doc.find("payload")->bytes;
    EXPECT_EQ(number(r.doc, "conversationId"), 1);
    const auto nonce = server_first.substr(2, server_first.find(',') - 2);
    const auto s_at = server_first.find(",s=") + 3;
    const auto salt = *base64_decode(server_first.substr(s_at, server_first.find(",i=") - s_at));
    const int iterations = std::atoi(server_first.c_str() + server_first.find(",i=") + 3);
    EXPECT_EQ(iterations, scram == mg::Scram::sha1 ? 10000 : 15000);
    const auto without_proof = "c=biws,r=" + nonce;
    const auto auth = first_bare + "," + server_first + "," + without_proof;
    const auto secret = mg::scram_secret(scram, user, password);
    const auto proof = mg::scram_client_proof(scram, secret, salt, iterations, auth);
    if (hash_out) *hash_out = mg::scram_hash(scram, salt, iterations, auth, proof);
    auto next = cmd("saslContinue", Value::i32(1));
    next.add("conversationId", Value::i32(1))
        .add("payload", Value::binary(without_proof + ",p=" + base64_encode(proof)));
    EXPECT_TRUE(d.send(op_msg(2, next)));
    r = read_reply(d);
    if (number(r.doc, "ok") == 1) {
        EXPECT_EQ(r.doc.find("payload")->bytes, "v=" + base64_encode(mg::scram_server_signature(
                                                           scram, secret, salt, iterations, auth)));
    }
    return r;
}

TEST(MongodbDialogue, AuthPersonaRefusesCommandsAndCapturesAFailedScramLogin) {
    Dialogue d("mongodb", DialogueOptions{.persona = {{"auth", "yes"}}, .distro = "debian"});
    ASSERT_TRUE(d.send(op_msg(3, cmd("listDatabases", Value::i32(1)))));
    auto r = read_reply(d);
    EXPECT_EQ(text(r.doc, "errmsg"), "command listDatabases requires authentication");
    std::string hash;
    r = scram_login(d, "SCRAM-SHA-256", "admin", "hunter2", &hash);
    EXPECT_EQ(text(r.doc, "errmsg"), "Authentication failed.");
    EXPECT_EQ(number(r.doc, "code"), 18);
    EXPECT_EQ(text(r.doc, "codeName"), "AuthenticationFailed");
    EXPECT_EQ(r.doc.elements[0].name, "ok");
    const auto events = d.finish();
    const auto& auth = first_event(events, "auth");
    EXPECT_EQ(field(auth, "username"), "admin");
    EXPECT_EQ(field(auth, "password"), hash);
    EXPECT_EQ(field(auth, "credential_type"), "mongodb_scram_sha256");
    EXPECT_EQ(field(auth, "status"), "failed");
    EXPECT_EQ(field(first_event(events, "command"), "result"), "Unauthorized");
}

TEST(MongodbDialogue, ScramSha1LoginIsLetInByTheList) {
    Dialogue d("mongodb", DialogueOptions{.persona = {{"auth", "yes"},
                                                      {"accept", "list"},
                                                      {"logins", "backup:Backup2024!"}},
                                          .distro = "ubuntu20"});
    auto r = scram_login(d, "SCRAM-SHA-1", "backup", "Backup2024!");
    EXPECT_EQ(number(r.doc, "ok"), 1);
    EXPECT_TRUE(r.doc.find("done")->truthy());
    ASSERT_TRUE(d.send(op_msg(4, cmd("listDatabases", Value::i32(1)))));
    r = read_reply(d);
    EXPECT_EQ(number(r.doc, "ok"), 1);
    ASSERT_TRUE(d.send(op_msg(5, cmd("dropDatabase", Value::i32(1), "shop"))));
    r = read_reply(d);
    EXPECT_EQ(text(r.doc, "dropped"), "shop");  // 4.4 names what it dropped
    const auto events = d.finish();
    EXPECT_EQ(field(first_event(events, "auth"), "status"), "success");
    EXPECT_EQ(field(first_event(events, "destructive"), "database"), "shop");
}

TEST(MongodbDialogue, SpeculativeAuthenticateInsideHello) {
    Dialogue d("mongodb", DialogueOptions{.persona = {{"auth", "yes"}}, .distro = "debian"});
    auto hello = cmd("hello", Value::i32(1));
    Document spec;
    spec.add("saslStart", Value::i32(1))
        .add("mechanism", Value::str("SCRAM-SHA-256"))
        .add("payload", Value::binary("n,,n=root,r=abcdefghijkl"))
        .add("db", Value::str("admin"));
    hello.add("speculativeAuthenticate", Value::doc(spec))
        .add("saslSupportedMechs", Value::str("admin.root"));
    ASSERT_TRUE(d.send(op_msg(6, hello)));
    const auto r = read_reply(d);
    EXPECT_TRUE(r.doc.find("isWritablePrimary")->truthy());
    EXPECT_EQ(number(r.doc, "maxWireVersion"), 21);
    const auto* s = r.doc.find("speculativeAuthenticate");
    ASSERT_TRUE(s && s->is_document());
    EXPECT_TRUE(s->document.find("payload")->bytes.starts_with("r=abcdefghijkl"));
    EXPECT_EQ(r.doc.find("saslSupportedMechs")->items().size(), 2u);
    EXPECT_EQ(r.doc.elements.back().name, "ok");
}

// An unacknowledged write (w:0) comes with moreToCome: captured, never answered.
TEST(MongodbDialogue, MoreToComeWriteIsCapturedWithoutAnAnswer) {
    Dialogue d("mongodb");
    Document note;
    note.add("msg", Value::str("Your DB is encrypted. Send 0.01 BTC and mail restore@proton.me"));
    ASSERT_TRUE(d.send(op_msg(1, cmd("insert", Value::str("README"), "RECOVER_DB"),
                              {{"documents", {note}}}, mg::kMoreToCome)));
    ASSERT_TRUE(d.send(op_msg(2, cmd("ping", Value::i32(1)))));
    const auto r = read_reply(d);
    EXPECT_EQ(r.header.response_to, 2);  // the insert got no reply of its own
    const auto events = d.finish();
    const auto& ransom = first_event(events, "ransom_note");
    EXPECT_EQ(field(ransom, "database"), "RECOVER_DB");
    EXPECT_EQ(field(ransom, "collection"), "README");
    EXPECT_NE(field(ransom, "documents").find("Send 0.01 BTC"), std::string::npos);
}

// A driver's monitor sends an awaitable hello (topologyVersion, maxAwaitTimeMS): mongod
// answers when the topology changes or the time is up, so the monitor does not spin.
TEST(MongodbDialogue, AwaitableHelloWaitsMaxAwaitTime) {
    Dialogue d("mongodb");
    ASSERT_TRUE(d.send(op_msg(1, cmd("hello", Value::i32(1)))));
    const auto first = read_reply(d);
    auto awaitable = cmd("hello", Value::i32(1));
    awaitable.add("topologyVersion", *first.doc.find("topologyVersion"))
        .add("maxAwaitTimeMS", Value::i64(400));
    const auto start = std::chrono::steady_clock::now();
    ASSERT_TRUE(d.send(op_msg(2, awaitable, {}, mg::kExhaustAllowed)));
    const auto r = read_reply(d);
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(350));
    EXPECT_EQ(r.header.response_to, 2);
    EXPECT_EQ(r.flags, 0u);  // no moreToCome: the driver asks again
}

TEST(MongodbDialogue, BadInputIsAnsweredOrEndsTheSession) {
    {
        Dialogue d("mongodb");
        ASSERT_TRUE(d.send(le32(15) + le32(1) + le32(0) + le32(2013)));  // length below 16
        d.expect_closed();
        EXPECT_EQ(first_event(d.finish(), "protocol_error").event_type, "protocol_error");
    }
    {
        Dialogue d("mongodb");
        ASSERT_TRUE(d.send(le32(48000001) + le32(1) + le32(0) + le32(2013)));
        d.expect_closed();
    }
    {
        Dialogue d("mongodb");
        ASSERT_TRUE(d.send("GET / HTTP/1.0\r\n\r\n"));
        EXPECT_EQ(d.expect_closed(),
                  "HTTP/1.0 200 OK\r\nConnection: close\r\nContent-Type: text/plain\r\n"
                  "Content-Length: 84\r\n\r\nIt looks like you are trying to access MongoDB over "
                  "HTTP on the native driver port.\n");
    }
    {
        Dialogue d("mongodb");
        // A body whose BSON length lies: mongod's InvalidBSON, the session goes on.
        std::string lying = op_msg(8, cmd("ping", Value::i32(1)));
        lying[21] = '\x7f';
        ASSERT_TRUE(d.send(lying));
        auto r = read_reply(d);
        EXPECT_EQ(text(r.doc, "codeName"), "InvalidBSON");
        // A nesting bomb.
        Value v = Value::i32(1);
        for (int i = 0; i < 300; ++i) {
            Document inner;
            inner.add("a", std::move(v));
            v = Value::doc(std::move(inner));
        }
        auto bomb = cmd("find", Value::str("x"), "shop");
        bomb.add("filter", v);
        ASSERT_TRUE(d.send(op_msg(9, bomb)));
        r = read_reply(d);
        EXPECT_EQ(text(r.doc, "codeName"), "InvalidBSON");
        ASSERT_TRUE(d.send(op_msg(10, cmd("ping", Value::i32(1)))));
        EXPECT_EQ(number(read_reply(d).doc, "ok"), 1);
        // An opcode mongod no longer knows ends the session.
        ASSERT_TRUE(d.send(le32(20) + le32(11) + le32(0) + le32(2002) + le32(0)));
        d.expect_closed();
    }
}

}  // namespace
}  // namespace decnet::honeypot
