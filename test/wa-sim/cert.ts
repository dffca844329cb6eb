/**
 * The server's Noise certificate chain.
 *
 * Baileys checks (lib/Utils/noise-handler.js, processHandshake):
 * - the intermediate certificate's `details` are signed by `WA_CERT_DETAILS.PUBLIC_KEY` (the root),
 * - the leaf's `details` are signed by the key inside the intermediate's details,
 * - the intermediate's `issuerSerial` equals `WA_CERT_DETAILS.SERIAL` (0).
 * The simulator makes its own root key pair; a test or demo process points Baileys at it with
 * `WA_CERT_DETAILS.PUBLIC_KEY = sim.rootPublicKey`.
 */
import { Curve, proto, WA_CERT_DETAILS } from 'baileys';

export interface KeyPair {
  public: Buffer;
  private: Buffer;
}

export interface ServerIdentity {
  /** root key pair; its public half replaces WA_CERT_DETAILS.PUBLIC_KEY in the client process */
  root: KeyPair;
  /** the server's static Noise key pair (the leaf certificate certifies it) */
  serverStatic: KeyPair;
  /** encoded proto.CertChain, sent encrypted as the serverHello payload */
  certChain: Uint8Array;
}

export const generateKeyPair = (): KeyPair => {
  const pair = Curve.generateKeyPair();
  return { public: Buffer.from(pair.public), private: Buffer.from(pair.private) };
};

export function makeServerIdentity(): ServerIdentity {
  const root = generateKeyPair();
  const intermediate = generateKeyPair();
  const serverStatic = generateKeyPair();
  const now = Math.floor(Date.now() / 1000);
  const Details = proto.CertChain.NoiseCertificate.Details;
  const intermediateDetails = Details.encode({
    serial: 1,
    issuerSerial: WA_CERT_DETAILS.SERIAL,
    key: intermediate.public,
    notBefore: now - 3600,
    notAfter: now + 365 * 86400,
  }).finish();
  const leafDetails = Details.encode({
    serial: 2,
    issuerSerial: 1,
    key: serverStatic.public,
    notBefore: now - 3600,
    notAfter: now + 30 * 86400,
  }).finish();
  const certChain = proto.CertChain.encode({
    intermediate: { details: intermediateDetails, signature: Curve.sign(root.private, intermediateDetails) },
    leaf: { details: leafDetails, signature: Curve.sign(intermediate.private, leafDetails) },
  }).finish();
  return { root, serverStatic, certChain };
}

/**
 * Make the Baileys in this process trust a simulator's root key. Test and demo processes only:
 * a normal start must keep WhatsApp's real root key. Returns a function that restores the previous key.
 */
export function trustSimulatorRoot(rootPublicKey: Uint8Array): () => void {
  const previous = WA_CERT_DETAILS.PUBLIC_KEY;
  WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(rootPublicKey);
  return () => {
    WA_CERT_DETAILS.PUBLIC_KEY = previous;
  };
}
