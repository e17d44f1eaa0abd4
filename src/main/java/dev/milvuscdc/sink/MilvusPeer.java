package dev.milvuscdc.sink;

/**
 * Which Milvus a {@link MilvusConnection} reaches, for its messages: its name, and the settings that
 * give its address and its credential, so that an error names what to correct.
 */
public record MilvusPeer(String name, String addressSetting, String credentialSetting) {

    /** The target of a task: {@code milvus_connect_param} of {@code create}. */
    public static final MilvusPeer TARGET = new MilvusPeer("target Milvus", "milvus_connect_param.uri, or host and port",
            "milvus_connect_param token or username/password");

    /** The source Milvus that initial copies read: {@code sourceConfig.milvus} of the configuration. */
    public static final MilvusPeer SOURCE = new MilvusPeer("source Milvus", "sourceConfig.milvus.uri",
            "sourceConfig.milvus.token");
}
