// A stock gRPC client in another language (Node.js, @grpc/grpc-js) against a meshplane node:
// registers two peers, exchanges messages both ways, exits 0 when all arrived.
//   npm install @grpc/grpc-js @grpc/proto-loader
//   cp protocol/src/main/proto/signalexchange.proto . && node signal-client.js 127.0.0.1:10000
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');
const def = grpc.loadPackageDefinition(loader.loadSync('signalexchange.proto', {keepCase: true}));
const addr = process.argv[2] || '127.0.0.1:10000';
const client = new def.signalexchange.SignalExchange(addr, grpc.credentials.createInsecure());
function connect(key) {
  const md = new grpc.Metadata(); md.set('x-wiretrustee-peer-id', key);
  const call = client.ConnectStream(md);
  const got = [];
  const registered = new Promise(res => call.on('metadata', m => res(m.get('x-wiretrustee-peer-registered')[0])));
  call.on('data', m => got.push(m));
  call.on('error', () => {});
  return {call, got, registered};
}
(async () => {
  const a = connect('node-alice'), b = connect('node-bob');
  console.log('alice registered header:', await a.registered, 'bob:', await b.registered);
  await new Promise((res, rej) => client.Send({key: 'node-alice', remoteKey: 'node-bob', body: Buffer.from('offer from node')}, (e, r) => e ? rej(e) : res(r)));
  a.call.write({key: 'node-alice', remoteKey: 'node-bob', body: Buffer.from('candidate via stream')});
  await new Promise((res, rej) => client.Send({key: 'node-bob', remoteKey: 'node-alice', body: Buffer.from('answer from node')}, (e, r) => e ? rej(e) : res(r)));
  const deadline = Date.now() + 5000;
  while ((b.got.length < 2 || a.got.length < 1) && Date.now() < deadline) await new Promise(r => setTimeout(r, 20));
  console.log('bob got:', b.got.map(m => m.body.toString()), 'alice got:', a.got.map(m => m.body.toString()));
  a.call.cancel(); b.call.cancel(); client.close();
  process.exit(b.got.length === 2 && a.got.length === 1 ? 0 : 1);
})();
