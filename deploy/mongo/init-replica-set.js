// Run by the `mongo-init` one-shot in docker-compose.yml (mongosh --file). Idempotent: on the first
// start it turns the lone mongod (started with --replSet rs0) into a single-member replica set, on
// later starts it finds it initialised; either way it exits 0 only once the node is a writable
// primary, so the services (MONGO_URI=...?replicaSet=rs0) never start against a set with no primary.
const name = process.env.MONGO_RS_NAME || "rs0";
const host = process.env.MONGO_RS_HOST || "mongo:27017";
const deadline = Date.now() + 120 * 1000;

function initialised() {
  try {
    rs.status();
    return true;
  } catch (err) {
    if (err.codeName === "NotYetInitialized" || err.code === 94) return false;
    throw err;
  }
}

if (initialised()) {
  print(`replica set ${name} already initialised`);
} else {
  // `host` is the address clients are told to use, so it must resolve on the compose network.
  rs.initiate({ _id: name, members: [{ _id: 0, host: host }] });
  print(`replica set ${name} initiated with member ${host}`);
}

const conf = rs.conf();
if (conf._id !== name) {
  print(`replica set is named ${conf._id}, expected ${name}`);
  quit(1);
}

while (!db.hello().isWritablePrimary) {
  if (Date.now() > deadline) {
    print(`timed out waiting for ${host} to become primary of ${name}`);
    quit(1);
  }
  sleep(500);
}
print(`replica set ${name} has a writable primary`);
