/*
 * Declarations of the system calls added after Linux 6.1, the kernel whose
 * include/linux/syscalls.h the Debian 12 headers (linux-headers-*-common) hold. Copied from the kernel's
 * include/linux/syscalls.h as of Linux 7.0 (torvalds/linux), one declaration per call that
 * scripts/data/libseccomp-syscalls.csv numbers on x86_64, x32, i386 or aarch64 and the 6.1
 * headers do not declare; the x86-only uprobe/uretprobe come from the same file
 * (arch/x86/kernel/uprobes.c defines them with SYSCALL_DEFINE0). scripts/gen-syscall-table reads
 * it like syscalls.h, after it: a name declared in both keeps the 6.1 declaration.
 */

/* fs/xattr.c (Linux 6.13) */
asmlinkage long sys_setxattrat(int dfd, const char __user *path, unsigned int at_flags,
			       const char __user *name,
			       const struct xattr_args __user *args, size_t size);
asmlinkage long sys_getxattrat(int dfd, const char __user *path, unsigned int at_flags,
			       const char __user *name,
			       struct xattr_args __user *args, size_t size);
asmlinkage long sys_listxattrat(int dfd, const char __user *path, unsigned int at_flags,
				char __user *list, size_t size);
asmlinkage long sys_removexattrat(int dfd, const char __user *path, unsigned int at_flags,
				  const char __user *name);

/* fs/file_attr.c (Linux 6.17) */
asmlinkage long sys_file_getattr(int dfd, const char __user *filename,
				 struct file_attr __user *attr, size_t usize,
				 unsigned int at_flags);
asmlinkage long sys_file_setattr(int dfd, const char __user *filename,
				 struct file_attr __user *attr, size_t usize,
				 unsigned int at_flags);

/* fs/namespace.c (statmount, listmount: Linux 6.8; open_tree_attr: 6.15) */
asmlinkage long sys_statmount(const struct mnt_id_req __user *req,
			      struct statmount __user *buf, size_t bufsize,
			      unsigned int flags);
asmlinkage long sys_listmount(const struct mnt_id_req __user *req,
			      u64 __user *mnt_ids, size_t nr_mnt_ids,
			      unsigned int flags);
asmlinkage long sys_open_tree_attr(int dfd, const char __user *path,
				   unsigned flags,
				   struct mount_attr __user *uattr,
				   size_t usize);

/* kernel/nstree.c (after Linux 6.18: ENOSYS on 6.18) */
asmlinkage long sys_listns(const struct ns_id_req __user *req,
			   u64 __user *ns_ids, size_t nr_ns_ids,
			   unsigned int flags);

/* fs/open.c (Linux 6.6) */
asmlinkage long sys_fchmodat2(int dfd, const char __user *filename,
			      umode_t mode, unsigned int flags);

/* kernel/futex/syscalls.c (Linux 6.7) */
asmlinkage long sys_futex_wake(void __user *uaddr, unsigned long mask, int nr, unsigned int flags);
asmlinkage long sys_futex_wait(void __user *uaddr, unsigned long val, unsigned long mask,
			       unsigned int flags, struct __kernel_timespec __user *timespec,
			       clockid_t clockid);
asmlinkage long sys_futex_requeue(struct futex_waitv __user *waiters,
				  unsigned int flags, int nr_wake, int nr_requeue);

/* mm/mseal.c (Linux 6.10) */
asmlinkage long sys_mseal(unsigned long start, size_t len, unsigned long flags);

/* kernel/rseq.c (after Linux 6.18: ENOSYS on 6.18) */
asmlinkage long sys_rseq_slice_yield(void);

/* mm/filemap.c (Linux 6.5) */
asmlinkage long sys_cachestat(unsigned int fd,
		struct cachestat_range __user *cstat_range,
		struct cachestat __user *cstat, unsigned int flags);

/* arch/x86/kernel/shstk.c (Linux 6.6) */
asmlinkage long sys_map_shadow_stack(unsigned long addr, unsigned long size, unsigned int flags);

/* security/lsm_syscalls.c (Linux 6.8) */
asmlinkage long sys_lsm_get_self_attr(unsigned int attr, struct lsm_ctx __user *ctx,
				      u32 __user *size, u32 flags);
asmlinkage long sys_lsm_set_self_attr(unsigned int attr, struct lsm_ctx __user *ctx,
				      u32 size, u32 flags);
asmlinkage long sys_lsm_list_modules(u64 __user *ids, u32 __user *size, u32 flags);

/* arch/x86/kernel/uprobes.c (uretprobe: Linux 6.11; uprobe: 6.16) */
asmlinkage long sys_uretprobe(void);
asmlinkage long sys_uprobe(void);
