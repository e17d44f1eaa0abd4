package dev.milvuscdc.store;

class InMemoryTaskStoreTest extends TaskStoreContract {

    @Override
    protected TaskStore open(String rootPath) {
        return new InMemoryTaskStore();
    }

    @Override
    protected boolean durable() {
        return false;
    }
}
