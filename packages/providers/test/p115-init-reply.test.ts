import { describe, expect, it } from 'vitest';
import { BadInput } from '@ferry/core';
import { createKEcClient, kEcEncryptResponse, kEcServerCipher, kEcServerKeyPair } from '@ferry/protocols';
import { initReplyJson } from '../src/p115/upload-init.js';

describe('an upload init reply', () => {
  const server = kEcServerKeyPair();

  it("is decrypted even when its ciphertext starts with '{', as one reply in 256 does", () => {
    const reply = { state: true, status: 2, statuscode: 0 };
    // Fresh client keys until an envelope's first byte is '{': about 256 tries.
    for (let tries = 0; tries < 20_000; tries++) {
      const client = createKEcClient(server.publicKey);
      const body = kEcEncryptResponse(kEcServerCipher(server.privateKey, client.publicBlob), JSON.stringify(reply));
      if (body[0] !== '{'.charCodeAt(0)) continue;
      expect(initReplyJson(client, body, 200, 'em:/f')).toEqual(reply);
      return;
    }
    throw new Error("no envelope starting with '{' in 20,000 tries");
  });

  it('is plain JSON when 115 could not decrypt the request, a BadInput naming ecdh_pub', () => {
    const client = createKEcClient(server.publicKey);
    const plain = Buffer.from(JSON.stringify({ state: false, errno: 990002, error: 'k_ec: bad token' }));
    expect(() => initReplyJson(client, plain, 200, 'em:/f')).toThrow(BadInput);
    expect(() => initReplyJson(client, plain, 200, 'em:/f')).toThrow(/ecdh_pub/);
  });
});
