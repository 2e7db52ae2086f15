export { ZtTransport } from './transport.js';
export { createZtTransport, readRootsFile, type ZtTransportOptions, type ClosableZtTransport } from './create.js';
export { ZtNode, type ZtNodeOptions, type ZtMembership } from './node.js';
export { ZtSocket } from './socket.js';
export { loadAddon, loadLibzt, ADDON_PATH, type ZtAddon, type ZtEvent } from './addon.js';
export { adhocNetworkId, parseNetworkId, nodeAddress, nodeOfAddress, addressingOf, type ZtAddressing } from './ids.js';
