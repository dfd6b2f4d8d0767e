/*
 * The small C surface that Hyperion.Evm calls through P/Invoke. c-kzg's KZGSettings is a struct of
 * pointers whose layout is c-kzg's business, so managed code only ever holds an opaque handle to one
 * that this file allocates, fills from the trusted setup file and frees. Only the functions below are
 * exported (the library is built with -fvisibility=hidden), so c-kzg's and blst's own symbols cannot
 * clash with another copy of them loaded into the same process.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "ckzg.h"

#define HYPERION_EXPORT __attribute__((visibility("default")))

/* Returned when the trusted setup file cannot be opened, next to c-kzg's own C_KZG_RET values. */
#define HYPERION_KZG_CANNOT_OPEN_SETUP 100

HYPERION_EXPORT int hyperion_kzg_load_trusted_setup(const char *path, KZGSettings **settings_out) {
    *settings_out = NULL;
    FILE *file = fopen(path, "r");
    if (file == NULL) return HYPERION_KZG_CANNOT_OPEN_SETUP;
    KZGSettings *settings = calloc(1, sizeof(KZGSettings));
    if (settings == NULL) {
        fclose(file);
        return C_KZG_MALLOC;
    }
    /* precompute = 0: no fixed-base MSM tables; verification does not use them. */
    C_KZG_RET ret = load_trusted_setup_file(settings, file, 0);
    fclose(file);
    if (ret != C_KZG_OK) {
        free(settings);
        return ret;
    }
    *settings_out = settings;
    return C_KZG_OK;
}

HYPERION_EXPORT void hyperion_kzg_free_trusted_setup(KZGSettings *settings) {
    if (settings == NULL) return;
    free_trusted_setup(settings);
    free(settings);
}

HYPERION_EXPORT int hyperion_kzg_bytes_per_blob(void) { return BYTES_PER_BLOB; }

HYPERION_EXPORT int hyperion_kzg_verify_kzg_proof(
    const KZGSettings *settings, const uint8_t *commitment, const uint8_t *z, const uint8_t *y,
    const uint8_t *proof, int *ok_out) {
    bool ok = false;
    C_KZG_RET ret = verify_kzg_proof(
        &ok, (const Bytes48 *)commitment, (const Bytes32 *)z, (const Bytes32 *)y,
        (const Bytes48 *)proof, settings);
    *ok_out = ret == C_KZG_OK && ok;
    return ret;
}

HYPERION_EXPORT int hyperion_kzg_blob_to_kzg_commitment(
    const KZGSettings *settings, const uint8_t *blob, uint8_t *commitment_out) {
    return blob_to_kzg_commitment((KZGCommitment *)commitment_out, (const Blob *)blob, settings);
}

HYPERION_EXPORT int hyperion_kzg_compute_kzg_proof(
    const KZGSettings *settings, const uint8_t *blob, const uint8_t *z, uint8_t *proof_out,
    uint8_t *y_out) {
    return compute_kzg_proof(
        (KZGProof *)proof_out, (Bytes32 *)y_out, (const Blob *)blob, (const Bytes32 *)z, settings);
}

HYPERION_EXPORT int hyperion_kzg_compute_blob_kzg_proof(
    const KZGSettings *settings, const uint8_t *blob, const uint8_t *commitment, uint8_t *proof_out) {
    return compute_blob_kzg_proof(
        (KZGProof *)proof_out, (const Blob *)blob, (const Bytes48 *)commitment, settings);
}

HYPERION_EXPORT int hyperion_kzg_verify_blob_kzg_proof_batch(
    const KZGSettings *settings, const uint8_t *blobs, const uint8_t *commitments,
    const uint8_t *proofs, uint64_t count, int *ok_out) {
    bool ok = false;
    C_KZG_RET ret = verify_blob_kzg_proof_batch(
        &ok, (const Blob *)blobs, (const Bytes48 *)commitments, (const Bytes48 *)proofs, count,
        settings);
    *ok_out = ret == C_KZG_OK && ok;
    return ret;
}
