/*
 * A stand-in for libnvidia-ml.so.1 with the NVML calls ProtoLens makes, answering like a driver 570.124.04
 * (CUDA 12.8) with two GPUs: an RTX 5090 (compute 12.0) and an A100 (compute 8.0). Built by NvmlLibraryTest with
 * "gcc -shared -fPIC -nostdlib" (no C library needed); -DFAIL_INIT makes nvmlInit_v2 fail as when the driver
 * is not loaded.
 */
typedef struct { unsigned long long total, free, used; } nvmlMemory_t;
typedef struct { const char *name; unsigned long long total, used; int major, minor; } device;

static const device DEVICES[2] = {
    {"NVIDIA GeForce RTX 5090", 34190458880ULL, 1073741824ULL, 12, 0},
    {"NVIDIA A100-SXM4-80GB", 85899345920ULL, 536870912ULL, 8, 0},
};

static int copy(char *to, unsigned int length, const char *from) {
    unsigned int i = 0;
    for (; from[i] && i + 1 < length; i++) to[i] = from[i];
    if (length > 0) to[i] = 0;
    return from[i] ? 7 : 0; /* NVML_ERROR_INSUFFICIENT_SIZE */
}

int nvmlInit_v2(void) {
#ifdef FAIL_INIT
    return 9; /* NVML_ERROR_DRIVER_NOT_LOADED */
#else
    return 0;
#endif
}
int nvmlShutdown(void) { return 0; }
const char *nvmlErrorString(int r) { return r == 9 ? "Driver Not Loaded" : r == 2 ? "Invalid Argument" : "Unknown Error"; }
int nvmlSystemGetDriverVersion(char *v, unsigned int length) { return copy(v, length, "570.124.04"); }
int nvmlSystemGetCudaDriverVersion(int *v) { *v = 12080; return 0; }
int nvmlDeviceGetCount_v2(unsigned int *n) { *n = 2; return 0; }
int nvmlDeviceGetHandleByIndex_v2(unsigned int i, const device **d) {
    if (i >= 2) return 2;
    *d = &DEVICES[i];
    return 0;
}
int nvmlDeviceGetName(const device *d, char *name, unsigned int length) { return copy(name, length, d->name); }
int nvmlDeviceGetMemoryInfo(const device *d, nvmlMemory_t *m) {
    m->total = d->total;
    m->used = d->used;
    m->free = d->total - d->used;
    return 0;
}
int nvmlDeviceGetCudaComputeCapability(const device *d, int *major, int *minor) {
    *major = d->major;
    *minor = d->minor;
    return 0;
}
