package dev.dunning.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One owner per data folder; what it writes is what others read; letting go makes the folder free again. */
class DataFolderLockTest {

    @Test
    void aFolderHasOneOwnerWhoseDetailsOthersRead(@TempDir Path folder) {
        DataFolderLock held = DataFolderLock.tryAcquire(folder, DataFolderLock.SERVICE).orElseThrow();
        held.publishPort(41234);

        assertThat(DataFolderLock.tryAcquire(folder, "import")).as("a second owner").isEmpty();
        DataFolderLock.Owner owner = DataFolderLock.owner(folder);
        assertThat(owner.isService()).isTrue();
        assertThat(owner.pid()).contains(ProcessHandle.current().pid());
        assertThat(owner.port().getAsInt()).isEqualTo(41234);
        assertThat(owner.since()).as("when the owning process started").isPresent()
                .hasValueSatisfying(since -> assertThat(since).isBefore(java.time.Instant.now()));
        assertThat(owner.describe()).startsWith("a running service (process " + ProcessHandle.current().pid() + ")");

        held.close();
        held.close(); // again: nothing happens
        DataFolderLock next = DataFolderLock.tryAcquire(folder, "import").orElseThrow();
        assertThat(DataFolderLock.owner(folder).role()).isEqualTo("import");
        assertThat(DataFolderLock.owner(folder).port()).as("the earlier owner's port is not carried over").isEmpty();
        assertThat(DataFolderLock.owner(folder).describe()).startsWith("the command 'import'");
        next.close();
    }

    @Test
    void anUnreadableLockFileTellsNothingRatherThanSomethingWrong(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve(DataFolderLock.FILE), "pid=not-a-number\nport=99999999999999999999\n");
        DataFolderLock.Owner owner = DataFolderLock.owner(folder);
        assertThat(owner.pid()).isEmpty();
        assertThat(owner.port()).isEmpty();
        assertThat(owner.isService()).isFalse();
    }
}
